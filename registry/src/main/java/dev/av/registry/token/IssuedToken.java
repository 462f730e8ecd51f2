package dev.av.registry.token;

import java.util.List;

/** A freshly created token: the token string (shown once, never stored), its entry and any warnings. */
public record IssuedToken(String token, TokenEntry entry, List<String> warnings) {

    public IssuedToken {
        warnings = List.copyOf(warnings);
    }

    @Override
    public String toString() {
        return "IssuedToken[token=<redacted>, accessor=" + entry.accessor() + "]";
    }
}

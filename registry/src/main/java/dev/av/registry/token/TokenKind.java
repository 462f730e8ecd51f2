package dev.av.registry.token;

/** What a token stands for. Vault knows only root/service; av adds agent identities, sessions and ephemeral tokens. */
public enum TokenKind {
    ROOT, SERVICE, AGENT, SESSION, EPHEMERAL;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static TokenKind fromWire(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}

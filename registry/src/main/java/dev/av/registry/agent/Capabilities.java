package dev.av.registry.agent;

import dev.av.core.AvException;
import java.util.Locale;
import java.util.Set;

/** The capability words a request can need (Vault's, minus deny). */
public final class Capabilities {

    public static final Set<String> REQUESTABLE = Set.of("create", "read", "update", "patch", "delete", "list", "sudo");

    private Capabilities() {
    }

    public static String check(String raw) {
        String c = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        if (!REQUESTABLE.contains(c)) {
            throw AvException.badRequest("invalid capability \"" + Names.shorten(raw == null ? "" : raw)
                    + "\": expected one of create, read, update, patch, delete, list, sudo");
        }
        return c;
    }

    /** A request path without leading slashes, the form ACL policies match against. */
    public static String normalizePath(String raw) {
        if (raw == null) {
            throw AvException.badRequest("path is required");
        }
        String p = raw.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty() || p.contains("..") || p.contains("//")) {
            throw AvException.badRequest("invalid path \"" + Names.shorten(raw) + "\"");
        }
        return p;
    }
}

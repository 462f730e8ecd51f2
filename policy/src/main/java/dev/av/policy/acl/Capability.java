package dev.av.policy.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The capabilities a Vault ACL path stanza can grant, with Vault's bit values. */
public enum Capability {
    DENY("deny", 1),
    CREATE("create", 1 << 1),
    READ("read", 1 << 2),
    UPDATE("update", 1 << 3),
    DELETE("delete", 1 << 4),
    LIST("list", 1 << 5),
    SUDO("sudo", 1 << 6),
    PATCH("patch", 1 << 7),
    SUBSCRIBE("subscribe", 1 << 8),
    RECOVER("recover", 1 << 9);

    /** The order in which {@code sys/capabilities} lists a bitmap (before the endpoint sorts it). */
    static final Capability[] VIEW_ORDER = {SUDO, READ, LIST, UPDATE, DELETE, CREATE, PATCH, SUBSCRIBE, RECOVER};

    private final String word;
    private final int bit;

    Capability(String word, int bit) {
        this.word = word;
        this.bit = bit;
    }

    /** The word used in policies, e.g. {@code "read"}. */
    public String word() {
        return word;
    }

    int bit() {
        return bit;
    }

    /** Parses a capability word (exact, lower case as Vault requires); null when unknown. */
    public static Capability fromWord(String word) {
        for (Capability c : values()) {
            if (c.word.equals(word)) {
                return c;
            }
        }
        return null;
    }

    /** The words of a bitmap in {@code sys/capabilities} order; {@code ["deny"]} for deny or nothing. */
    static List<String> viewOf(int bitmap) {
        List<String> out = new ArrayList<>();
        if ((bitmap & DENY.bit) == 0) {
            for (Capability c : VIEW_ORDER) {
                if ((bitmap & c.bit) != 0) {
                    out.add(c.word);
                }
            }
        }
        if (out.isEmpty()) {
            return List.of(DENY.word);
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return word.toLowerCase(Locale.ROOT);
    }
}

package dev.av.server.logical;

import java.util.Locale;

/**
 * Vault's logical operations. HTTP maps onto them: GET → READ (or LIST with {@code ?list=true}),
 * LIST → LIST, POST/PUT → CREATE when the backend's existence check says the target is absent,
 * else UPDATE, PATCH → PATCH, DELETE → DELETE. The ACL capability has the same name.
 */
public enum Operation {
    CREATE, READ, UPDATE, PATCH, DELETE, LIST;

    /** The ACL capability this operation needs ({@code create}, {@code read}, ...). */
    public String capability() {
        return name().toLowerCase(Locale.ROOT);
    }
}

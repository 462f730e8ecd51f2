package dev.av.secrets.kv;

/** Vault's logical operations as the KV engine sees them ({@code POST} and {@code PUT} are both UPDATE or CREATE). */
public enum KvOperation {
    CREATE, READ, UPDATE, PATCH, DELETE, LIST;

    boolean isWrite() {
        return this == CREATE || this == UPDATE;
    }
}

package dev.av.secrets;

/** Vault's logical operations, as an engine sees them. */
public enum Operation {
    READ, LIST, CREATE, UPDATE, PATCH, DELETE
}

package dev.av.proxy;

import dev.av.core.AvException;

/**
 * Where a credential lives: a secret path and a field, written {@code secret/data/github#token} (a KV
 * entry) or {@code database/creds/readonly#password} (a dynamic secret; the username of the same
 * lease is {@code database/creds/readonly#username}, read in the same call).
 */
public record CredentialRef(String path, String field) {

    public CredentialRef {
        if (path == null || path.isBlank() || path.startsWith("/") || path.contains("..")) {
            throw AvException.badRequest("credential path must be a relative secret path, was \"" + path + "\"");
        }
        if (field == null || field.isBlank()) {
            throw AvException.badRequest("credential must name a field after '#', e.g. secret/data/github#token");
        }
    }

    public static CredentialRef parse(String fieldName, String text) {
        int hash = text.lastIndexOf('#');
        if (hash <= 0 || hash == text.length() - 1) {
            throw AvException.badRequest(fieldName + " must be <secret path>#<field>, e.g. secret/data/github#token, was \""
                    + text + "\"");
        }
        return new CredentialRef(text.substring(0, hash), text.substring(hash + 1));
    }

    @Override
    public String toString() {
        return path + "#" + field;
    }
}

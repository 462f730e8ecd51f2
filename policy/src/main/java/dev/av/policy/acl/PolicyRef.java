package dev.av.policy.acl;

/**
 * A policy that granted a capability (Vault's {@code granting_policies} entry); av has only the
 * root namespace, so {@code namespace_id} is always {@code "root"} and {@code namespace_path} empty.
 *
 * @param name the policy's (lower-case) name
 * @param type {@code "acl"}
 */
public record PolicyRef(String name, String type) {

    public static PolicyRef acl(String name) {
        return new PolicyRef(name, "acl");
    }
}

package dev.av.policy.acl;

/** The text of Vault's built-in policies. */
public final class BuiltinPolicies {

    private BuiltinPolicies() {
    }

    /** The default policy as Vault 1.14 ships it (editable; never overwritten once stored). */
    public static final String DEFAULT_TEXT = """
            # A token may read its own properties.
            path "auth/token/lookup-self" {
                capabilities = ["read"]
            }

            # A token may renew itself.
            path "auth/token/renew-self" {
                capabilities = ["update"]
            }

            # A token may revoke itself.
            path "auth/token/revoke-self" {
                capabilities = ["update"]
            }

            # A token may ask for its own capabilities on a path.
            path "sys/capabilities-self" {
                capabilities = ["update"]
            }

            # A token may read its own entity, by id or by name.
            path "identity/entity/id/{{identity.entity.id}}" {
              capabilities = ["read"]
            }
            path "identity/entity/name/{{identity.entity.name}}" {
              capabilities = ["read"]
            }

            # A token may read the ACL that results from all its policies (used by UIs).
            path "sys/internal/ui/resultant-acl" {
                capabilities = ["read"]
            }

            # A token may renew a lease given its lease_id (old and new paths).
            path "sys/renew" {
                capabilities = ["update"]
            }
            path "sys/leases/renew" {
                capabilities = ["update"]
            }

            # A token may look up a lease whose id it already knows.
            path "sys/leases/lookup" {
                capabilities = ["update"]
            }

            # A token owns its cubbyhole.
            path "cubbyhole/*" {
                capabilities = ["create", "read", "update", "delete", "list"]
            }

            # A token may wrap values, and look up and unwrap wrapping tokens.
            path "sys/wrapping/wrap" {
                capabilities = ["update"]
            }
            path "sys/wrapping/lookup" {
                capabilities = ["update"]
            }
            path "sys/wrapping/unwrap" {
                capabilities = ["update"]
            }

            # General purpose tools.
            path "sys/tools/hash" {
                capabilities = ["update"]
            }
            path "sys/tools/hash/*" {
                capabilities = ["update"]
            }

            # A token holding a control group request's accessor may check its status.
            path "sys/control-group/request" {
                capabilities = ["update"]
            }

            # A token may call the authorization endpoint of OIDC providers.
            path "identity/oidc/provider/+/authorize" {
                capabilities = ["read", "update"]
            }
            """;

    /** The response-wrapping policy (immutable, cannot be assigned to tokens). */
    public static final String RESPONSE_WRAPPING_TEXT = """
            path "cubbyhole/response" {
                capabilities = ["create", "read"]
            }

            path "sys/wrapping/unwrap" {
                capabilities = ["update"]
            }
            """;

    static final AclPolicy DEFAULT_POLICY = AclPolicy.parse(AclPolicy.DEFAULT, DEFAULT_TEXT);

    /** True for names that cannot be written or deleted ({@code root}, {@code response-wrapping}). */
    public static boolean isImmutable(String name) {
        return name.equalsIgnoreCase(AclPolicy.ROOT) || name.equalsIgnoreCase("response-wrapping");
    }
}

package dev.av.policy.cedar;

/**
 * av's Cedar schema: who asks (Agent, User, Token, all members of Groups), what they act on (Path,
 * whose parents are its ancestor directories, and for proxied requests the Service), the actions
 * (the ACL capabilities) and the request context. Policies are validated against it when written.
 */
public final class CedarSchema {

    private CedarSchema() {
    }

    /** The schema in Cedar's human-readable schema format. */
    public static final String TEXT = """
            // Who asks. Agent metadata is available as tags: principal.hasTag("team") && principal.getTag("team") == "x".
            entity Group;
            entity User in [Group] {
              display_name?: String,
              email?: String,
            };
            entity Agent in [Group] {
              agent_type: String,
            } tags String;
            entity Token in [Group];

            // What is acted on. Path::"secret/data/a/b" is in Path::"secret/data/a/", Path::"secret/data/", Path::"secret/";
            // a proxied request's path proxy/<host>/... is also in Service::"<host>".
            entity Service;
            entity Path in [Path, Service];

            type RequestContext = {
              operation: String,
              time: Long,
              remote_addr?: ipaddr,
              agent_type?: String,
              delegate?: String,
              scopes: Set<String>,
              proxied: Bool,
              http_method?: String,
              host?: String,
            };

            action "read", "create", "update", "patch", "delete", "list", "sudo", "subscribe", "recover" appliesTo {
              principal: [Agent, User, Token],
              resource: [Path, Service],
              context: RequestContext,
            };
            """;
}

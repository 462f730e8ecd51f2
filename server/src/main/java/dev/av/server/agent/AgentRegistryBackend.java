package dev.av.server.agent;

import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.registry.agent.Agent;
import dev.av.registry.agent.AgentRegistry;
import dev.av.registry.agent.AgentTokenStore;
import dev.av.registry.agent.Decision;
import dev.av.registry.agent.Delegation;
import dev.av.registry.agent.EphemeralGrant;
import dev.av.registry.agent.EphemeralIssuer;
import dev.av.registry.agent.EphemeralRequest;
import dev.av.registry.agent.UseCheck;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenKind;
import dev.av.server.auth.Authorizer;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code agent-registry/}: agents (+ {@code /policy}, {@code /delegate}, {@code /ephemeral},
 * {@code /token}), users, scopes, delegations, and {@code ephemeral-token}.
 *
 * <p>{@code ephemeral-token} and {@code delegations/:id/revoke} are reached without the ACL step,
 * like Vault's login paths: the first authenticates the agent's identity token itself, the second
 * lets the delegate revoke her own consent with her own token (anyone else needs an ACL grant on the path).
 */
final class AgentRegistryBackend implements RoutedBackend {

    private final AgentRegistry registry;
    private final EphemeralIssuer issuer;
    private final UseCheck useCheck;
    private final AgentTokens agentTokens;
    private final Authorizer authorizer;

    AgentRegistryBackend(AgentRegistry registry, EphemeralIssuer issuer, UseCheck useCheck, AgentTokens agentTokens,
                         Authorizer authorizer) {
        this.registry = registry;
        this.issuer = issuer;
        this.useCheck = useCheck;
        this.agentTokens = agentTokens;
        this.authorizer = authorizer;
    }

    @Override
    public String prefix() {
        return "agent-registry/";
    }

    @Override
    public String type() {
        return "agent-registry";
    }

    @Override
    public boolean isUnauthenticated(String relativePath, Operation operation) {
        String p = trim(relativePath);
        return p.equals("ephemeral-token") || (p.startsWith("delegations/") && p.endsWith("/revoke"));
    }

    @Override
    public Boolean exists(LogicalRequest r) {
        String[] parts = trim(r.relativePath()).split("/");
        if (parts.length != 2) {
            return null;
        }
        try {
            return switch (parts[0]) {
                case "agents" -> registry.findAgent(parts[1]).isPresent();
                case "users" -> registry.findUser(parts[1]).isPresent();
                case "scopes" -> registry.findScope(parts[1]).isPresent();
                case "delegations" -> registry.findDelegation(parts[1]).isPresent();
                default -> null;
            };
        } catch (AvException e) {
            return null;
        }
    }

    @Override
    public LogicalResponse handle(LogicalRequest r) {
        String path = trim(r.relativePath());
        String[] parts = path.isEmpty() ? new String[0] : path.split("/");
        Operation op = r.operation();
        boolean write = op == Operation.CREATE || op == Operation.UPDATE;
        if (parts.length == 1 && parts[0].equals("ephemeral-token") && write) {
            return ephemeralToken(r);
        }
        if (parts.length == 1 && op == Operation.LIST) {
            return switch (parts[0]) {
                case "agents" -> LogicalResponse.of(Views.keys(registry.agentNames()));
                case "users" -> LogicalResponse.of(Views.keys(registry.userNames()));
                case "scopes" -> LogicalResponse.of(Views.keys(registry.scopeNames()));
                case "delegations" -> LogicalResponse.of(Views.keys(registry.delegationIds()));
                default -> throw unsupported(r);
            };
        }
        if (parts.length == 2) {
            String name = parts[1];
            switch (parts[0]) {
                case "agents" -> {
                    return switch (op) {
                        case READ -> LogicalResponse.of(Views.agent(registry.agent(name)));
                        case CREATE, UPDATE -> LogicalResponse.of(Views.agent(registry.writeAgent(name, r.data())));
                        case DELETE -> {
                            agentTokens.revokeAll(name);
                            registry.deleteAgent(name);
                            yield LogicalResponse.noContent();
                        }
                        default -> throw unsupported(r);
                    };
                }
                case "users" -> {
                    return switch (op) {
                        case READ -> LogicalResponse.of(Views.user(registry.user(name)));
                        case CREATE, UPDATE -> LogicalResponse.of(Views.user(registry.writeUser(name, r.data())));
                        case DELETE -> deleted(registry.deleteUser(name));
                        default -> throw unsupported(r);
                    };
                }
                case "scopes" -> {
                    return switch (op) {
                        case READ -> LogicalResponse.of(Views.scope(registry.scope(name)));
                        case CREATE, UPDATE -> LogicalResponse.of(Views.scope(registry.writeScope(name, r.data())));
                        case DELETE -> deleted(registry.deleteScope(name));
                        default -> throw unsupported(r);
                    };
                }
                case "delegations" -> {
                    return switch (op) {
                        case READ -> delegationView(registry.delegation(name));
                        case CREATE, UPDATE -> delegationView(registry.writeDelegation(name, r.data()));
                        case DELETE -> delegationView(registry.revokeDelegation(name));
                        default -> throw unsupported(r);
                    };
                }
                default -> throw unsupported(r);
            }
        }
        if (parts.length == 3 && parts[0].equals("agents")) {
            return agentSub(r, parts[1], parts[2], op);
        }
        if (parts.length == 3 && parts[0].equals("delegations") && parts[2].equals("revoke") && write) {
            return revokeByDelegateOrAdmin(r, parts[1]);
        }
        throw unsupported(r);
    }

    private LogicalResponse agentSub(LogicalRequest r, String name, String sub, Operation op) {
        boolean write = op == Operation.CREATE || op == Operation.UPDATE;
        switch (sub) {
            case "policy" -> {
                if (write) {
                    registry.attachPolicies(name, r.data());
                } else if (op == Operation.DELETE) {
                    Agent a = registry.agent(name);
                    Object which = r.data().get("policy");
                    registry.attachPolicies(name, Map.of("detach", which == null ? a.policies() : which));
                } else if (op != Operation.READ) {
                    throw unsupported(r);
                }
                return LogicalResponse.of(Map.of("policies", registry.agent(name).policies()));
            }
            case "delegate" -> {
                if (write) {
                    registry.addDelegates(name, r.data());
                } else if (op == Operation.DELETE) {
                    Agent a = registry.agent(name);
                    Object which = r.data().get("user");
                    registry.addDelegates(name, Map.of("remove", which == null ? a.delegates() : which));
                } else if (op != Operation.READ) {
                    throw unsupported(r);
                }
                return LogicalResponse.of(Map.of("delegates", registry.agent(name).delegates()));
            }
            case "ephemeral" -> {
                if (write) {
                    registry.setEphemeral(name, r.data());
                } else if (op != Operation.READ) {
                    throw unsupported(r);
                }
                return LogicalResponse.of(Views.ephemeral(registry.agent(name)));
            }
            case "token" -> {
                return switch (op) {
                    case CREATE, UPDATE -> identityToken(r, name);
                    case DELETE -> {
                        registry.agent(name);
                        agentTokens.revokeAll(name);
                        yield LogicalResponse.noContent();
                    }
                    case READ -> {
                        List<Map<String, Object>> held = new ArrayList<>();
                        for (AgentTokenStore.Held h : registry.identityTokens(registry.agent(name).name())) {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("accessor", h.accessor());
                            m.put("not_after", h.notAfter() == null ? "" : Views.time(h.notAfter()));
                            m.put("created_time", Views.time(h.createdAt()));
                            held.add(m);
                        }
                        yield LogicalResponse.of(Map.of("tokens", held));
                    }
                    default -> throw unsupported(r);
                };
            }
            default -> throw unsupported(r);
        }
    }

    private LogicalResponse identityToken(LogicalRequest r, String name) {
        for (String k : r.data().keySet()) {
            if (!k.equals("ttl") && !k.equals("overlap")) {
                throw AvException.badRequest("unknown field \"" + k + "\"; expected ttl, overlap");
            }
        }
        Duration ttl = Durations.parse("ttl", r.data().get("ttl"));
        Duration overlap = Durations.parse("overlap", r.data().get("overlap"));
        IssuedToken issued = agentTokens.issueIdentity(registry.agent(name), ttl, overlap);
        return LogicalResponse.auth(agentTokens.authInfo(issued), issued.warnings());
    }

    private LogicalResponse ephemeralToken(LogicalRequest r) {
        TokenEntry caller = r.token();
        if (caller == null || caller.kind() != TokenKind.AGENT || caller.agent() == null) {
            throw new AvException(AvException.Kind.PERMISSION_DENIED,
                    List.of("permission denied", "ephemeral tokens are issued to an agent's identity token"), null);
        }
        Decision d = useCheck.check(new UseCheck.TokenFacts(caller.kind().wire(), caller.accessor(), caller.agent(),
                caller.delegateUser(), caller.delegationId(), caller.restrictions()), "agent-registry/ephemeral-token", "update");
        if (d instanceof Decision.Deny deny) {
            throw new AvException(AvException.Kind.PERMISSION_DENIED, List.of("permission denied", deny.reason()), null);
        }
        EphemeralGrant grant = issuer.issue(caller.agent(), EphemeralRequest.parse(r.data()));
        IssuedToken issued = agentTokens.mintEphemeral(grant, caller);
        return LogicalResponse.auth(agentTokens.authInfo(issued), issued.warnings());
    }

    private LogicalResponse revokeByDelegateOrAdmin(LogicalRequest r, String id) {
        TokenEntry caller = r.token();
        if (caller == null) {
            throw AvException.permissionDenied();
        }
        Delegation d = registry.delegation(id);
        boolean herself = caller.agent() == null && d.delegateUser().equals(caller.delegateUser());
        boolean admin = authorizer.authorize(caller, r.path(), Operation.UPDATE, r.data(), false).allowed();
        if (!herself && !admin) {
            throw AvException.permissionDenied();
        }
        return delegationView(registry.revokeDelegation(id));
    }

    private LogicalResponse delegationView(Delegation d) {
        return LogicalResponse.of(Views.delegation(d, registry.clock().instant()));
    }

    private static LogicalResponse deleted(boolean gone) {
        return LogicalResponse.noContent();
    }

    private static AvException unsupported(LogicalRequest r) {
        return new AvException(AvException.Kind.METHOD_NOT_ALLOWED,
                "unsupported operation " + r.operation().capability() + " on " + r.path());
    }

    private static String trim(String p) {
        String s = p == null ? "" : p;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}

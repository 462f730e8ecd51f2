package dev.av.server.token;

import dev.av.core.AvException;
import dev.av.registry.token.IssuedToken;
import dev.av.registry.token.TokenEntry;
import dev.av.registry.token.TokenRequest;
import dev.av.registry.token.TokenStore;
import dev.av.server.auth.Authorizer;
import dev.av.server.logical.AuthInfo;
import dev.av.server.logical.Fields;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code auth/token/*}: Vault's token endpoints over the {@link TokenStore}. */
public final class TokenBackend implements RoutedBackend {

    private static final Set<String> CREATE_FIELDS = Set.of("id", "policies", "ttl", "explicit_max_ttl", "period",
            "num_uses", "renewable", "no_parent", "no_default_policy", "display_name", "meta", "bound_cidrs", "type",
            "lease", "entity_alias");

    private final TokenStore tokens;
    private final Authorizer authorizer;

    public TokenBackend(TokenStore tokens, Authorizer authorizer) {
        this.tokens = tokens;
        this.authorizer = authorizer;
    }

    @Override
    public String prefix() {
        return "auth/token/";
    }

    @Override
    public String type() {
        return "token";
    }

    @Override
    public boolean isRootProtected(String rel, Operation op) {
        return rel.equals("revoke-orphan") || rel.startsWith("revoke-orphan/") || rel.startsWith("accessors");
    }

    @Override
    public LogicalResponse handle(LogicalRequest r) {
        String rel = r.relativePath();
        Operation op = r.operation();
        boolean write = op == Operation.UPDATE || op == Operation.CREATE;
        return switch (rel) {
            case "create", "create-orphan" -> requireWrite(write, () -> create(r, rel.equals("create-orphan")));
            case "lookup-self" -> op == Operation.READ || write ? lookup(self(r), r.clientToken().reveal())
                    : unsupported();
            case "lookup" -> {
                if (!write && op != Operation.READ) {
                    yield unsupported();
                }
                String t = Fields.of(r).requiredString("token");
                yield lookup(tokens.lookup(t).orElseThrow(TokenBackend::badToken), t);
            }
            case "lookup-accessor" -> requireWrite(write, () -> lookup(byAccessor(r), ""));
            case "renew-self" -> requireWrite(write, () -> renew(self(r), r, r.clientToken().reveal()));
            case "renew" -> requireWrite(write, () -> {
                String t = Fields.of(r).requiredString("token");
                return renew(tokens.lookup(t).orElseThrow(TokenBackend::badToken), r, t);
            });
            case "renew-accessor" -> requireWrite(write, () -> renew(byAccessor(r), r, ""));
            case "revoke-self" -> requireWrite(write, () -> revoke(self(r)));
            case "revoke" -> requireWrite(write, () -> {
                String t = Fields.of(r).requiredString("token");
                tokens.lookup(t).ifPresent(tokens::revokeTree);
                return LogicalResponse.noContent();
            });
            case "revoke-accessor" -> requireWrite(write, () -> revoke(byAccessor(r)));
            case "revoke-orphan" -> requireWrite(write, () -> {
                String t = Fields.of(r).requiredString("token");
                tokens.lookup(t).ifPresent(tokens::revokeOrphan);
                return LogicalResponse.noContent();
            });
            case "accessors/", "accessors" -> op == Operation.LIST
                    ? LogicalResponse.of(Map.of("keys", tokens.accessors())) : unsupported();
            case "tidy" -> requireWrite(write, () -> {
                int n = tokens.tidy();
                return LogicalResponse.of(Map.of("revoked", n))
                        .withWarnings(List.of("Tidy operation successfully started. Any information from the operation will be printed to av's server logs."));
            });
            default -> throw AvException.notFound("no handler for route \"" + r.path() + "\". route entry not found.");
        };
    }

    private static LogicalResponse requireWrite(boolean write, java.util.function.Supplier<LogicalResponse> body) {
        return write ? body.get() : unsupported();
    }

    private static LogicalResponse unsupported() {
        throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
    }

    private static AvException badToken() {
        return AvException.badRequest("bad token");
    }

    private static TokenEntry self(LogicalRequest r) {
        if (r.token() == null) {
            throw AvException.permissionDenied();
        }
        return r.token();
    }

    private TokenEntry byAccessor(LogicalRequest r) {
        String a = Fields.of(r).requiredString("accessor");
        return tokens.lookupAccessor(a).orElseThrow(() -> AvException.badRequest("invalid accessor"));
    }

    private LogicalResponse create(LogicalRequest r, boolean orphan) {
        Fields f = Fields.of(r);
        String type = f.string("type", "service");
        if (!type.equals("service") && !type.equals("default")) {
            throw AvException.badRequest("unsupported token type \"" + (type.length() > 20 ? "..." : type)
                    + "\": av issues service tokens");
        }
        if (f.has("entity_alias")) {
            throw AvException.badRequest("entity_alias is not supported");
        }
        long numUses = f.integer("num_uses", 0);
        if (numUses < 0 || numUses > Integer.MAX_VALUE) {
            throw AvException.badRequest("number of uses cannot be negative");
        }
        Duration ttl = f.has("ttl") ? f.duration("ttl") : f.duration("lease");
        TokenRequest req = TokenRequest.builder()
                .id(f.string("id", null))
                .policies(f.stringList("policies"))
                .ttl(ttl)
                .explicitMaxTtl(f.duration("explicit_max_ttl"))
                .period(f.duration("period"))
                .numUses((int) numUses)
                .renewable(f.optionalBool("renewable"))
                .noParent(orphan || f.bool("no_parent", false))
                .noDefaultPolicy(f.bool("no_default_policy", false))
                .displayName(f.string("display_name", null))
                .meta(f.stringMap("meta"))
                .boundCidrs(f.stringList("bound_cidrs"))
                .path(r.path().endsWith("/") ? r.path().substring(0, r.path().length() - 1) : r.path())
                .build();
        boolean sudo = authorizer.capabilities(r.token(), r.path()).stream()
                .anyMatch(c -> c.equals("sudo") || c.equals("root"));
        IssuedToken issued = tokens.create(req, r.token(), sudo);
        List<String> warnings = new ArrayList<>(issued.warnings());
        List<String> unknown = f.unknown(CREATE_FIELDS);
        if (!unknown.isEmpty()) {
            warnings.add("Endpoint ignored these unrecognized parameters: " + unknown);
        }
        return LogicalResponse.auth(authInfo(issued.token(), issued.entry()),
                warnings);
    }

    private AuthInfo authInfo(String clientToken, TokenEntry e) {
        return new AuthInfo(clientToken, e.accessor(), e.policies(), e.policies(), e.meta(), e.grantedTtlSeconds(),
                e.renewable(), "service", e.orphan(), e.numUses(), "");
    }

    private LogicalResponse lookup(TokenEntry e, String tokenString) {
        return LogicalResponse.of(lookupData(e, tokenString, tokens.clock().instant()));
    }

    /** Vault's lookup fields (plus av's kind/agent/delegation fields when set). */
    public static Map<String, Object> lookupData(TokenEntry e, String tokenString, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("accessor", e.accessor());
        d.put("creation_time", e.createdAt().getEpochSecond());
        d.put("creation_ttl", e.creationTtl().toSeconds());
        d.put("display_name", e.displayName());
        d.put("entity_id", "");
        d.put("expire_time", e.expireAt() == null ? null : DateTimeFormatter.ISO_INSTANT.format(e.expireAt()));
        d.put("explicit_max_ttl", e.explicitMaxTtl().toSeconds());
        d.put("id", tokenString == null ? "" : tokenString);
        d.put("issue_time", DateTimeFormatter.ISO_INSTANT.format(e.createdAt()));
        if (e.lastRenewalAt() != null) {
            d.put("last_renewal", DateTimeFormatter.ISO_INSTANT.format(e.lastRenewalAt()));
            d.put("last_renewal_time", e.lastRenewalAt().getEpochSecond());
        }
        d.put("meta", e.meta().isEmpty() ? null : e.meta());
        d.put("num_uses", Math.max(0, e.numUses()));
        d.put("orphan", e.orphan());
        d.put("path", e.path());
        d.put("policies", e.policies());
        d.put("renewable", e.renewable());
        d.put("ttl", e.ttlSeconds(now));
        d.put("type", "service");
        if (e.period().isPositive()) {
            d.put("period", e.period().toSeconds());
        }
        if (!e.boundCidrs().isEmpty()) {
            d.put("bound_cidrs", e.boundCidrs());
        }
        d.put("kind", e.kind().wire());
        if (e.agent() != null) {
            d.put("agent", e.agent());
        }
        if (e.delegateUser() != null) {
            d.put("delegate_user", e.delegateUser());
        }
        if (e.delegationId() != null) {
            d.put("delegation_id", e.delegationId());
        }
        // RFC 8693: who the token is for (the user when acting on behalf of one) and the acting agent
        if (e.agent() != null) {
            d.put("sub", e.delegateUser() != null ? e.delegateUser() : e.agent());
            d.put("act", Map.of("sub", e.agent()));
        } else if (e.delegateUser() != null) {
            d.put("sub", e.delegateUser());
        }
        if (e.restrictions() != null) {
            d.put("restrictions", e.restrictions());
        }
        return d;
    }

    private LogicalResponse renew(TokenEntry e, LogicalRequest r, String tokenString) {
        Duration increment = Fields.of(r).duration("increment");
        TokenStore.Renewed renewed = tokens.renew(e, increment);
        TokenEntry n = renewed.entry();
        return LogicalResponse.auth(authInfo(tokenString, n), renewed.warnings());
    }

    private LogicalResponse revoke(TokenEntry e) {
        tokens.revokeTree(e);
        return LogicalResponse.noContent();
    }
}

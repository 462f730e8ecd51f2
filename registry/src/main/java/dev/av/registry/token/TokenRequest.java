package dev.av.registry.token;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a token may be created with: Vault's {@code auth/token/create} fields plus av's.
 * Build with {@link #builder()}; unset fields take Vault's defaults.
 */
public record TokenRequest(
        String id,
        List<String> policies,
        Duration ttl,
        Duration explicitMaxTtl,
        Duration period,
        int numUses,
        Boolean renewable,
        boolean noParent,
        boolean noDefaultPolicy,
        String displayName,
        Map<String, String> meta,
        List<String> boundCidrs,
        String path,
        TokenKind kind,
        String agent,
        String delegateUser,
        String delegationId,
        String restrictions) {

    public TokenRequest {
        policies = policies == null ? List.of() : List.copyOf(policies);
        ttl = ttl == null ? Duration.ZERO : ttl;
        explicitMaxTtl = explicitMaxTtl == null ? Duration.ZERO : explicitMaxTtl;
        period = period == null ? Duration.ZERO : period;
        meta = meta == null ? Map.of() : Map.copyOf(meta);
        boundCidrs = boundCidrs == null ? List.of() : List.copyOf(boundCidrs);
        path = path == null ? "auth/token/create" : path;
        kind = kind == null ? TokenKind.SERVICE : kind;
    }

    @Override
    public String toString() {
        return "TokenRequest[policies=" + policies + ", ttl=" + ttl + ", kind=" + kind + ", path=" + path
                + (id != null ? ", id=<given>" : "") + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A mutable builder; every setter returns this. */
    public static final class Builder {
        private String id;
        private List<String> policies;
        private Duration ttl;
        private Duration explicitMaxTtl;
        private Duration period;
        private int numUses;
        private Boolean renewable;
        private boolean noParent;
        private boolean noDefaultPolicy;
        private String displayName;
        private Map<String, String> meta;
        private List<String> boundCidrs;
        private String path;
        private TokenKind kind;
        private String agent;
        private String delegateUser;
        private String delegationId;
        private String restrictions;

        public Builder id(String v) { this.id = v; return this; }
        public Builder policies(List<String> v) { this.policies = v; return this; }
        public Builder ttl(Duration v) { this.ttl = v; return this; }
        public Builder explicitMaxTtl(Duration v) { this.explicitMaxTtl = v; return this; }
        public Builder period(Duration v) { this.period = v; return this; }
        public Builder numUses(int v) { this.numUses = v; return this; }
        public Builder renewable(Boolean v) { this.renewable = v; return this; }
        public Builder noParent(boolean v) { this.noParent = v; return this; }
        public Builder noDefaultPolicy(boolean v) { this.noDefaultPolicy = v; return this; }
        public Builder displayName(String v) { this.displayName = v; return this; }
        public Builder meta(Map<String, String> v) { this.meta = v; return this; }
        public Builder boundCidrs(List<String> v) { this.boundCidrs = v; return this; }
        public Builder path(String v) { this.path = v; return this; }
        public Builder kind(TokenKind v) { this.kind = v; return this; }
        public Builder agent(String v) { this.agent = v; return this; }
        public Builder delegateUser(String v) { this.delegateUser = v; return this; }
        public Builder delegationId(String v) { this.delegationId = v; return this; }
        public Builder restrictions(String v) { this.restrictions = v; return this; }

        public TokenRequest build() {
            return new TokenRequest(id, policies, ttl, explicitMaxTtl, period, numUses, renewable, noParent,
                    noDefaultPolicy, displayName, meta, boundCidrs, path, kind, agent, delegateUser, delegationId,
                    restrictions);
        }
    }
}

package dev.av.server.agent;

import dev.av.registry.agent.Agent;
import dev.av.registry.agent.Delegation;
import dev.av.registry.agent.RegistryUser;
import dev.av.registry.agent.Scope;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The API shapes of registry objects (durations in seconds, times in RFC 3339, as Vault does). */
final class Views {

    private Views() {
    }

    static Map<String, Object> agent(Agent a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("type", a.type());
        m.put("description", a.description());
        m.put("metadata", new TreeMap<>(a.metadata()));
        m.put("status", a.status().wire());
        m.put("policies", a.policies());
        m.put("delegates", a.delegates());
        m.put("ephemeral", ephemeral(a));
        m.put("created_time", time(a.createdAt()));
        m.put("updated_time", time(a.updatedAt()));
        return m;
    }

    static Map<String, Object> ephemeral(Agent a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", a.ephemeral().enabled());
        m.put("max_ttl", a.ephemeral().effectiveMaxTtl().toSeconds());
        m.put("default_ttl", a.ephemeral().defaultTtl().toSeconds());
        m.put("num_uses", a.ephemeral().numUses());
        return m;
    }

    static Map<String, Object> user(RegistryUser u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.name());
        m.put("display_name", u.displayName());
        m.put("email", u.email());
        m.put("oidc_subject", u.oidcSubject() == null ? "" : u.oidcSubject());
        m.put("policies", u.policies());
        m.put("created_time", time(u.createdAt()));
        m.put("updated_time", time(u.updatedAt()));
        return m;
    }

    static Map<String, Object> scope(Scope s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("description", s.description());
        m.put("policy", s.policy());
        m.put("created_time", time(s.createdAt()));
        m.put("updated_time", time(s.updatedAt()));
        return m;
    }

    static Map<String, Object> delegation(Delegation d, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("agent", d.agent());
        m.put("delegate_user", d.delegateUser());
        m.put("scopes", d.scopes());
        m.put("expires_at", d.expiresAt() == null ? "" : time(d.expiresAt()));
        m.put("status", d.stateAt(now));
        m.put("created_time", time(d.createdAt()));
        m.put("updated_time", time(d.updatedAt()));
        return m;
    }

    static Map<String, Object> keys(List<String> keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keys", keys);
        return m;
    }

    static String time(Instant t) {
        return t == null ? "" : DateTimeFormatter.ISO_INSTANT.format(t);
    }
}

package dev.av.registry.agent;

import dev.av.core.AvException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The agent registry: agents, users (delegates), consent scopes and delegations, with the validation
 * rules that span them (a delegation must name a known agent, a known delegate user and known scopes).
 *
 * <p>Reads used by the per-request checks go through an in-memory cache that every write through this
 * object invalidates, so a change (an agent disabled, a delegation revoked) takes effect on the very
 * next request served by this node. Changes made by other nodes sharing a PostgreSQL database arrive
 * through {@code Invalidations} and the {@code invalidate*} methods (see docs/agent-registry.md,
 * "Several nodes"). A load racing an invalidation cannot keep the old row: {@link ConcurrentHashMap#remove}
 * waits for a {@code computeIfAbsent} of the same key in progress. Thread-safe.
 */
public final class AgentRegistry {

    private final AgentStore agents;
    private final UserStore users;
    private final ScopeStore scopes;
    private final DelegationStore delegations;
    private final AgentTokenStore agentTokens;
    private final PolicyOracle policies;
    private final Clock clock;

    private final Map<String, Optional<Agent>> agentCache = new ConcurrentHashMap<>();
    private final Map<String, Optional<RegistryUser>> userCache = new ConcurrentHashMap<>();
    private final Map<String, Optional<Scope>> scopeCache = new ConcurrentHashMap<>();
    private final Map<String, Optional<Delegation>> delegationCache = new ConcurrentHashMap<>();
    private final Map<String, List<AgentTokenStore.Held>> tokenCache = new ConcurrentHashMap<>();
    private final Map<String, List<Delegation>> pairCache = new ConcurrentHashMap<>();
    private final List<Consumer<String>> agentChangeListeners = new CopyOnWriteArrayList<>();

    public AgentRegistry(DataSource dataSource, PolicyOracle policies, Clock clock) {
        this.agents = new AgentStore(dataSource);
        this.users = new UserStore(dataSource);
        this.scopes = new ScopeStore(dataSource);
        this.delegations = new DelegationStore(dataSource);
        this.agentTokens = new AgentTokenStore(dataSource);
        this.policies = policies;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public PolicyOracle policies() {
        return policies;
    }

    /** Called with the agent's name after it is disabled or deleted (e.g. to revoke its tokens eagerly). */
    public void onAgentStopped(Consumer<String> listener) {
        agentChangeListeners.add(listener);
    }

    /** Another node changed agent {@code name}: its next read goes to the database. */
    public void invalidateAgent(String name) {
        agentCache.remove(name);
    }

    /** Another node changed the identity tokens {@code agent} holds. */
    public void invalidateIdentityTokens(String agent) {
        tokenCache.remove(agent);
    }

    public void invalidateUser(String name) {
        userCache.remove(name);
    }

    public void invalidateScope(String name) {
        scopeCache.remove(name);
    }

    public void invalidateDelegation(String id) {
        delegationCache.remove(id);
        pairCache.clear();
    }

    /** Drops every cached read (e.g. after notices from other nodes may have been missed). */
    public void invalidateAll() {
        agentCache.clear();
        userCache.clear();
        scopeCache.clear();
        delegationCache.clear();
        tokenCache.clear();
        pairCache.clear();
    }

    // ---------------------------------------------------------------- agents

    public Optional<Agent> findAgent(String name) {
        return agentCache.computeIfAbsent(name, agents::find);
    }

    public Agent agent(String name) {
        Names.check("agent", name);
        return findAgent(name).orElseThrow(() -> AvException.notFound("agent \"" + name + "\" not found"));
    }

    public List<String> agentNames() {
        return agents.names();
    }

    /** Creates the agent, or updates the fields present in {@code data}. */
    public Agent writeAgent(String name, Map<String, ?> data) {
        Names.check("agent", name);
        Fields.onlyKnown(data, "type", "description", "metadata", "status", "policies", "policy", "delegates",
                "ephemeral_enabled", "max_ttl", "default_ttl", "num_uses");
        Optional<Agent> existing = agents.find(name);
        Instant now = clock.instant();
        Agent base = existing.orElse(new Agent(name, "", "", Map.of(), Agent.Status.ACTIVE, List.of(), List.of(),
                EphemeralSettings.DISABLED, now, now));
        List<String> pols = data.containsKey("policies") || data.containsKey("policy")
                ? policyNames(data) : base.policies();
        List<String> dels = data.containsKey("delegates") ? knownUsers(Fields.list(data, "delegates")) : base.delegates();
        Agent next = new Agent(name,
                Fields.string(data, "type", base.type()),
                Fields.string(data, "description", base.description()),
                data.containsKey("metadata") ? Fields.map(data, "metadata") : base.metadata(),
                data.containsKey("status") ? Agent.Status.parse(Fields.string(data, "status", "")) : base.status(),
                pols, dels, ephemeral(base.ephemeral(), data, "ephemeral_enabled"), base.createdAt(), now);
        if (existing.isPresent()) {
            agents.update(next);
        } else if (!agents.insert(next)) {
            throw new AvException(AvException.Kind.CONFLICT, "agent \"" + name + "\" already exists");
        }
        changed(name, existing.map(Agent::active).orElse(true) && !next.active());
        return next;
    }

    /** Attaches policies (union with those attached); {@code detach} removes. */
    public Agent attachPolicies(String name, Map<String, ?> data) {
        Fields.onlyKnown(data, "policy", "policies", "detach");
        Agent a = agent(name);
        LinkedHashSet<String> set = new LinkedHashSet<>(a.policies());
        set.addAll(policyNames(data));
        Fields.list(data, "detach").forEach(set::remove);
        if (!data.containsKey("policy") && !data.containsKey("policies") && !data.containsKey("detach")) {
            throw AvException.badRequest("give \"policy\" (one or more policy names, comma-separated) to attach, or \"detach\"");
        }
        return save(copy(a, new ArrayList<>(set), a.delegates(), a.ephemeral(), a.status()), false);
    }

    /** Adds delegates (known users); {@code remove} removes. */
    public Agent addDelegates(String name, Map<String, ?> data) {
        Fields.onlyKnown(data, "user", "users", "remove");
        Agent a = agent(name);
        List<String> add = new ArrayList<>(Fields.list(data, "user"));
        add.addAll(Fields.list(data, "users"));
        List<String> remove = Fields.list(data, "remove");
        if (add.isEmpty() && remove.isEmpty()) {
            throw AvException.badRequest("give \"user\" (one or more user names, comma-separated) to add, or \"remove\"");
        }
        LinkedHashSet<String> set = new LinkedHashSet<>(a.delegates());
        set.addAll(knownUsers(add));
        remove.forEach(set::remove);
        return save(copy(a, a.policies(), new ArrayList<>(set), a.ephemeral(), a.status()), false);
    }

    public Agent setEphemeral(String name, Map<String, ?> data) {
        Fields.onlyKnown(data, "enabled", "max_ttl", "default_ttl", "num_uses");
        Agent a = agent(name);
        return save(copy(a, a.policies(), a.delegates(), ephemeral(a.ephemeral(), data, "enabled"), a.status()), false);
    }

    public Agent setStatus(String name, Agent.Status status) {
        Agent a = agent(name);
        return save(copy(a, a.policies(), a.delegates(), a.ephemeral(), status), a.active() && status != Agent.Status.ACTIVE);
    }

    /** Deletes the agent with its delegations and identity tokens. */
    public boolean deleteAgent(String name) {
        Names.check("agent", name);
        for (String id : delegations.idsForAgent(name)) {
            delegations.delete(id);
            delegationCache.remove(id);
        }
        pairCache.clear();
        agentTokens.removeAll(name);
        boolean gone = agents.delete(name);
        changed(name, true);
        return gone;
    }

    private Agent save(Agent next, boolean stopped) {
        agents.update(next);
        changed(next.name(), stopped);
        return next;
    }

    private void changed(String name, boolean stopped) {
        agentCache.remove(name);
        tokenCache.remove(name);
        if (stopped) {
            agentChangeListeners.forEach(l -> l.accept(name));
        }
    }

    private Agent copy(Agent a, List<String> pols, List<String> dels, EphemeralSettings eph, Agent.Status status) {
        return new Agent(a.name(), a.type(), a.description(), a.metadata(), status, pols, dels, eph, a.createdAt(),
                clock.instant());
    }

    private static List<String> policyNames(Map<String, ?> data) {
        LinkedHashSet<String> out = new LinkedHashSet<>(Fields.list(data, "policy"));
        out.addAll(Fields.list(data, "policies"));
        for (String p : out) {
            if (p.length() > 128 || p.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '"')) {
                throw AvException.badRequest("invalid policy name \"" + Names.shorten(p) + "\"");
            }
        }
        return new ArrayList<>(out);
    }

    private List<String> knownUsers(List<String> names) {
        for (String u : names) {
            Names.check("user", u);
            if (findUser(u).isEmpty()) {
                throw AvException.badRequest("unknown user \"" + u + "\": create it at agent-registry/users/" + u + " first");
            }
        }
        return names;
    }

    private static EphemeralSettings ephemeral(EphemeralSettings base, Map<String, ?> data, String enabledField) {
        Boolean enabled = Fields.bool(data, enabledField);
        Duration max = Fields.duration(data, "max_ttl");
        Duration def = Fields.duration(data, "default_ttl");
        Integer uses = Fields.integer(data, "num_uses");
        return new EphemeralSettings(enabled == null ? base.enabled() : enabled,
                max == null ? base.maxTtl() : max, def == null ? base.defaultTtl() : def,
                uses == null ? base.numUses() : uses);
    }

    // ---------------------------------------------------------------- identity tokens

    /** The agent's identity tokens still live at {@code now} (cached). */
    public List<AgentTokenStore.Held> identityTokens(String agent) {
        return tokenCache.computeIfAbsent(agent, agentTokens::forAgent);
    }

    public boolean identityTokenLive(String agent, String accessor, Instant now) {
        for (AgentTokenStore.Held h : identityTokens(agent)) {
            if (h.accessor().equals(accessor)) {
                return h.liveAt(now);
            }
        }
        return false;
    }

    /**
     * Records a new identity token. Every token the agent held before ends at {@code now + overlap}
     * (at once when the overlap is zero); returns the accessors that end, so the caller can revoke them.
     */
    public List<String> recordIdentityToken(String agent, String accessor, Duration overlap) {
        Instant now = clock.instant();
        List<String> ended = new ArrayList<>();
        for (AgentTokenStore.Held h : agentTokens.forAgent(agent)) {
            if (overlap.isZero() || !h.liveAt(now)) {
                agentTokens.remove(h.accessor());
            } else if (h.notAfter() == null || h.notAfter().isAfter(now.plus(overlap))) {
                agentTokens.endAt(h.accessor(), now.plus(overlap));
            }
            ended.add(h.accessor());
        }
        agentTokens.add(accessor, agent, now);
        tokenCache.remove(agent);
        return ended;
    }

    /** Forgets every identity token of the agent; returns their accessors. */
    public List<String> revokeIdentityTokens(String agent) {
        List<String> all = agentTokens.forAgent(agent).stream().map(AgentTokenStore.Held::accessor).toList();
        agentTokens.removeAll(agent);
        tokenCache.remove(agent);
        return all;
    }

    // ---------------------------------------------------------------- users

    public Optional<RegistryUser> findUser(String name) {
        return userCache.computeIfAbsent(name, users::find);
    }

    public RegistryUser user(String name) {
        Names.check("user", name);
        return findUser(name).orElseThrow(() -> AvException.notFound("user \"" + name + "\" not found"));
    }

    public Optional<RegistryUser> userBySubject(String subject) {
        return users.findBySubject(subject);
    }

    public List<String> userNames() {
        return users.names();
    }

    public RegistryUser writeUser(String name, Map<String, ?> data) {
        Names.check("user", name);
        Fields.onlyKnown(data, "display_name", "email", "oidc_subject", "policies", "policy");
        Optional<RegistryUser> existing = users.find(name);
        Instant now = clock.instant();
        RegistryUser base = existing.orElse(new RegistryUser(name, "", "", null, List.of(), now, now));
        String email = Fields.string(data, "email", base.email());
        if (!email.isEmpty() && (!email.contains("@") || email.length() > 320 || email.contains(" "))) {
            throw AvException.badRequest("invalid email \"" + Names.shorten(email) + "\"");
        }
        String subject = Fields.string(data, "oidc_subject", base.oidcSubject());
        if (subject != null && subject.isBlank()) {
            subject = null;
        }
        if (subject != null && subject.length() > 512) {
            throw AvException.badRequest("oidc_subject is longer than 512 characters");
        }
        List<String> pols = data.containsKey("policies") || data.containsKey("policy") ? policyNames(data) : base.policies();
        RegistryUser next = new RegistryUser(name, Fields.string(data, "display_name", base.displayName()), email,
                subject, pols, base.createdAt(), now);
        users.upsert(next, existing.isPresent());
        userCache.remove(name);
        return next;
    }

    public boolean deleteUser(String name) {
        Names.check("user", name);
        boolean gone = users.delete(name);
        userCache.remove(name);
        return gone;
    }

    // ---------------------------------------------------------------- scopes

    public Optional<Scope> findScope(String name) {
        return scopeCache.computeIfAbsent(name, scopes::find);
    }

    public Scope scope(String name) {
        Names.check("scope", name);
        return findScope(name).orElseThrow(() -> AvException.notFound("scope \"" + name + "\" not found"));
    }

    public List<String> scopeNames() {
        return scopes.names();
    }

    public Scope writeScope(String name, Map<String, ?> data) {
        Names.check("scope", name);
        Fields.onlyKnown(data, "description", "policy");
        Optional<Scope> existing = scopes.find(name);
        String policy = Fields.string(data, "policy", existing.map(Scope::policy).orElse(null));
        if (policy == null || policy.isBlank()) {
            throw AvException.badRequest("scope \"" + name + "\" needs a \"policy\": an ACL policy body (HCL or JSON)");
        }
        policies.validateBody(policy);
        Instant now = clock.instant();
        Scope next = new Scope(name, Fields.string(data, "description", existing.map(Scope::description).orElse("")),
                policy, existing.map(Scope::createdAt).orElse(now), now);
        scopes.upsert(next, existing.isPresent());
        scopeCache.remove(name);
        return next;
    }

    public boolean deleteScope(String name) {
        Names.check("scope", name);
        boolean gone = scopes.delete(name);
        scopeCache.remove(name);
        return gone;
    }

    // ---------------------------------------------------------------- delegations

    public Optional<Delegation> findDelegation(String id) {
        return delegationCache.computeIfAbsent(id, delegations::find);
    }

    public Delegation delegation(String id) {
        Names.checkId(id);
        return findDelegation(id).orElseThrow(() -> AvException.notFound("delegation \"" + id + "\" not found"));
    }

    public List<String> delegationIds() {
        return delegations.ids();
    }

    /** Delegations of {@code agent} for {@code user} in force now. */
    public List<Delegation> delegationsInForce(String agent, String user) {
        Instant now = clock.instant();
        return pairCache.computeIfAbsent(agent + "\n" + user, k -> delegations.forAgentAndUser(agent, user)).stream()
                .filter(d -> d.inForce(now)).toList();
    }

    /**
     * Creates or replaces a delegation. Refuses an unknown agent, user or scope, and a user that is not
     * one of the agent's delegates. {@code expires} is an RFC 3339 time; {@code ttl} a duration from now.
     */
    public Delegation writeDelegation(String id, Map<String, ?> data) {
        Names.checkId(id);
        Fields.onlyKnown(data, "agent", "delegate_user", "scopes", "expires", "expires_at", "ttl", "status");
        Optional<Delegation> existing = delegations.find(id);
        String agentName = Fields.string(data, "agent", existing.map(Delegation::agent).orElse(null));
        String userName = Fields.string(data, "delegate_user", existing.map(Delegation::delegateUser).orElse(null));
        if (agentName == null || userName == null) {
            throw AvException.badRequest("a delegation needs \"agent\" and \"delegate_user\"");
        }
        Names.check("agent", agentName);
        Names.check("user", userName);
        Agent agent = findAgent(agentName).orElseThrow(() -> AvException.badRequest("unknown agent \"" + agentName + "\""));
        if (findUser(userName).isEmpty()) {
            throw AvException.badRequest("unknown user \"" + userName + "\"");
        }
        if (!agent.delegates().contains(userName)) {
            throw AvException.badRequest("user \"" + userName + "\" is not a delegate of agent \"" + agentName
                    + "\": add it with agent-registry/agents/" + agentName + "/delegate user=" + userName);
        }
        List<String> scopeNames = data.containsKey("scopes") ? Fields.list(data, "scopes")
                : existing.map(Delegation::scopes).orElse(List.of());
        if (scopeNames.isEmpty()) {
            throw AvException.badRequest("a delegation needs at least one scope in \"scopes\"");
        }
        for (String s : scopeNames) {
            Names.check("scope", s);
            if (findScope(s).isEmpty()) {
                throw AvException.badRequest("unknown scope \"" + s + "\"");
            }
        }
        Instant now = clock.instant();
        Instant expires = existing.map(Delegation::expiresAt).orElse(null);
        String at = Fields.string(data, "expires_at", Fields.string(data, "expires", null));
        if (at != null && !at.isBlank()) {
            try {
                expires = Instant.parse(at.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw AvException.badRequest("\"expires_at\" must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
            }
        }
        Duration ttl = Fields.duration(data, "ttl");
        if (ttl != null && !ttl.isZero()) {
            expires = now.plus(ttl);
        }
        Delegation.Status status = existing.map(Delegation::status).orElse(Delegation.Status.ACTIVE);
        if (data.containsKey("status")) {
            String s = Fields.string(data, "status", "");
            status = switch (s) {
                case "active" -> Delegation.Status.ACTIVE;
                case "revoked" -> Delegation.Status.REVOKED;
                default -> throw AvException.badRequest("invalid status \"" + Names.shorten(s) + "\": must be \"active\" or \"revoked\"");
            };
        }
        Delegation next = new Delegation(id, agentName, userName, scopeNames, expires, status,
                existing.map(Delegation::createdAt).orElse(now), now);
        delegations.upsert(next, existing.isPresent());
        delegationCache.remove(id);
        pairCache.clear();
        return next;
    }

    /** Marks the delegation revoked; it stops granting on the next request. */
    public Delegation revokeDelegation(String id) {
        Delegation d = delegation(id);
        Delegation next = new Delegation(d.id(), d.agent(), d.delegateUser(), d.scopes(), d.expiresAt(),
                Delegation.Status.REVOKED, d.createdAt(), clock.instant());
        delegations.upsert(next, true);
        delegationCache.remove(id);
        pairCache.clear();
        return next;
    }

    public boolean deleteDelegation(String id) {
        Names.checkId(id);
        boolean gone = delegations.delete(id);
        delegationCache.remove(id);
        pairCache.clear();
        return gone;
    }
}

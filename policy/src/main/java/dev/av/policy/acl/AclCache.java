package dev.av.policy.acl;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled ACLs keyed by the exact policy objects (by identity, so a rewritten policy, which is a
 * new {@link AclPolicy}, gives a new key) and the template identity. Thread-safe. When it holds
 * more than {@code maxEntries} ACLs it starts over; callers also {@link #clear()} it whenever a
 * policy changes.
 */
public final class AclCache {

    private record Key(List<IdentityRef> policies, TemplateIdentity identity) {
    }

    /** Wraps a policy so that keys compare policies by identity. */
    private record IdentityRef(AclPolicy policy) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityRef r && r.policy == policy;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(policy);
        }
    }

    private final int maxEntries;
    private final Map<Key, Acl> entries = new ConcurrentHashMap<>();

    public AclCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The compiled ACL for these policies (in this order) and identity, compiling it at most once while cached. */
    public Acl get(List<AclPolicy> policies, TemplateIdentity identity) {
        Key key = new Key(policies.stream().map(IdentityRef::new).toList(), identity);
        Acl acl = entries.get(key);
        if (acl != null) {
            return acl;
        }
        acl = Acl.compile(policies, identity);
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        Acl raced = entries.putIfAbsent(key, acl);
        return raced != null ? raced : acl;
    }

    /** Forgets every compiled ACL (call after a policy is written or deleted). */
    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

}

package dev.av.server.secrets;

import dev.av.core.AvException;
import dev.av.secrets.lease.Lease;
import dev.av.secrets.lease.LeaseManager;
import dev.av.server.logical.Fields;
import dev.av.server.logical.LogicalRequest;
import dev.av.server.logical.LogicalResponse;
import dev.av.server.logical.Operation;
import dev.av.server.logical.RoutedBackend;
import jakarta.inject.Singleton;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sys/leases/*} in Vault's shapes, across all engines: {@code lookup}, {@code lookup/:prefix}
 * (LIST, sudo), {@code renew[/:lease_id]}, {@code revoke[/:lease_id]}, {@code revoke-prefix/:prefix}
 * (sudo).
 */
@Singleton
public class LeasesBackend implements RoutedBackend {

    private final LeaseManager leases;

    public LeasesBackend(LeaseManager leases) {
        this.leases = leases;
    }

    @Override
    public String prefix() {
        return "sys/leases/";
    }

    @Override
    public boolean isRootProtected(String relativePath, Operation operation) {
        return relativePath.startsWith("revoke-prefix") || relativePath.startsWith("revoke-force")
                || (relativePath.startsWith("lookup") && operation == Operation.LIST);
    }

    @Override
    public LogicalResponse handle(LogicalRequest r) {
        String rel = r.relativePath();
        Operation op = r.operation();
        Fields f = Fields.of(r);
        if (rel.equals("lookup") || rel.startsWith("lookup/")) {
            String rest = rel.length() > "lookup".length() ? rel.substring("lookup/".length()) : "";
            if (op == Operation.LIST) {
                List<String> keys = leases.list(rest);
                if (keys.isEmpty()) {
                    throw AvException.notFound("no leases under this prefix");
                }
                return LogicalResponse.of(Map.of("keys", keys));
            }
            requireWrite(op);
            return lookup(f.requiredString("lease_id"));
        }
        if (rel.equals("renew") || rel.startsWith("renew/")) {
            requireWrite(op);
            String id = rel.startsWith("renew/") ? rel.substring("renew/".length()) : f.requiredString("lease_id");
            LeaseManager.Renewed renewed = leases.renew(id, f.duration("increment"));
            return LogicalResponse.lease(renewed.lease().id(), renewed.lease().renewable(), renewed.grantedSeconds(), null);
        }
        if (rel.equals("revoke") || rel.startsWith("revoke/")) {
            requireWrite(op);
            String id = rel.startsWith("revoke/") ? rel.substring("revoke/".length()) : f.requiredString("lease_id");
            leases.revoke(id);
            return LogicalResponse.noContent();
        }
        if (rel.startsWith("revoke-prefix/")) {
            requireWrite(op);
            leases.revokePrefix(rel.substring("revoke-prefix/".length()));
            return LogicalResponse.noContent();
        }
        throw AvException.notFound("unsupported path");
    }

    private LogicalResponse lookup(String leaseId) {
        Lease l = leases.lookup(leaseId).orElseThrow(() -> AvException.badRequest("invalid lease"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("expire_time", DateTimeFormatter.ISO_INSTANT.format(l.expireTime()));
        data.put("id", l.id());
        data.put("issue_time", DateTimeFormatter.ISO_INSTANT.format(l.issueTime()));
        data.put("last_renewal", l.lastRenewal() == null ? null : DateTimeFormatter.ISO_INSTANT.format(l.lastRenewal()));
        data.put("renewable", l.renewable());
        data.put("ttl", l.ttlSeconds(leases.clock()));
        return LogicalResponse.of(data);
    }

    private static void requireWrite(Operation op) {
        if (op != Operation.UPDATE && op != Operation.CREATE) {
            throw new AvException(AvException.Kind.METHOD_NOT_ALLOWED, "unsupported operation");
        }
    }

}

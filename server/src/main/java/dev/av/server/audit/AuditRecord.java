package dev.av.server.audit;

import dev.av.server.logical.LogicalRequest;
import java.time.Instant;
import java.util.List;

/**
 * What the audit hook learns about a request.
 *
 * @param time             when the request arrived
 * @param request          the request (token entry, clear client token, data, remote address, headers)
 * @param mountType        {@code mount_type} of the backend that answers (e.g. {@code kv}, {@code system}, {@code token})
 * @param mountAccessor    the mount accessor ("" for routed backends)
 * @param allowed          the policy decision
 * @param grantingPolicies ACL policies that granted it
 * @param error            "permission denied" etc. when refused before the backend; null otherwise
 * @param denyReason       why the policy step refused (ACL, Cedar or a guard), for the auditor; null when allowed
 * @param forbiddingCedarPolicies the Cedar policies that forbade it
 */
public record AuditRecord(Instant time, LogicalRequest request, String mountType, String mountAccessor,
                          boolean allowed, List<String> grantingPolicies, String error, String denyReason,
                          List<String> forbiddingCedarPolicies) {

    public AuditRecord {
        grantingPolicies = List.copyOf(grantingPolicies);
        forbiddingCedarPolicies = List.copyOf(forbiddingCedarPolicies);
    }

    public AuditRecord(Instant time, LogicalRequest request, String mountType, String mountAccessor,
                       boolean allowed, List<String> grantingPolicies, String error) {
        this(time, request, mountType, mountAccessor, allowed, grantingPolicies, error, null, List.of());
    }
}

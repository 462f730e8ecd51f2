package dev.av.server.logical;

import java.util.List;
import java.util.Map;

/**
 * What a backend answers (Vault's {@code logical.Response}). The HTTP layer renders it in Vault's
 * envelope {@code {"request_id","lease_id","renewable","lease_duration","data","wrap_info","warnings","auth","mount_type"}},
 * or as 204 when {@link #noContent()}.
 *
 * @param status        HTTP status: 200, 204, or another status that still carries the envelope
 *                      (e.g. KV v2's 404 with metadata for a deleted version)
 * @param data          the {@code data} object; null renders as JSON null
 * @param auth          the {@code auth} block when a token was issued; null otherwise
 * @param warnings      warnings; empty renders as null
 * @param leaseId       lease id for dynamic secrets; "" when none
 * @param renewable     whether the lease is renewable
 * @param leaseDuration lease TTL in seconds
 * @param raw           when non-null, rendered as the whole body instead of the envelope (Vault does
 *                      this for {@code sys/health}, {@code sys/seal-status}, {@code sys/init} ...)
 */
public record LogicalResponse(
        int status,
        Map<String, Object> data,
        AuthInfo auth,
        List<String> warnings,
        String leaseId,
        boolean renewable,
        long leaseDuration,
        Map<String, Object> raw) {

    public LogicalResponse {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        leaseId = leaseId == null ? "" : leaseId;
    }

    public static LogicalResponse of(Map<String, Object> data) {
        return new LogicalResponse(200, data, null, List.of(), "", false, 0, null);
    }

    public static LogicalResponse noContent() {
        return new LogicalResponse(204, null, null, List.of(), "", false, 0, null);
    }

    public static LogicalResponse auth(AuthInfo auth, List<String> warnings) {
        return new LogicalResponse(200, null, auth, warnings, "", false, 0, null);
    }

    /** A dynamic secret with a lease. */
    public static LogicalResponse lease(String leaseId, boolean renewable, long leaseDurationSeconds,
                                        Map<String, Object> data) {
        return new LogicalResponse(200, data, null, List.of(), leaseId, renewable, leaseDurationSeconds, null);
    }

    /** A body rendered as is, without the envelope. */
    public static LogicalResponse raw(int status, Map<String, Object> body) {
        return new LogicalResponse(status, null, null, List.of(), "", false, 0, body);
    }

    public LogicalResponse withStatus(int newStatus) {
        return new LogicalResponse(newStatus, data, auth, warnings, leaseId, renewable, leaseDuration, raw);
    }

    public LogicalResponse withWarnings(List<String> newWarnings) {
        return new LogicalResponse(status, data, auth, newWarnings, leaseId, renewable, leaseDuration, raw);
    }

    @Override
    public String toString() {
        return "LogicalResponse[status=" + status + (leaseId.isEmpty() ? "" : ", lease=" + leaseId) + "]";
    }
}

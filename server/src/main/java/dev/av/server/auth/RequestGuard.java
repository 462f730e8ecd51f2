package dev.av.server.auth;

import dev.av.server.logical.LogicalRequest;

/**
 * An extra check after the ACL and Cedar allowed a request (ephemeral-token scope, OBO delegation,
 * disabled agent ...). Register as a Micronaut bean. A guard can only narrow: it returns to let the
 * request through or throws {@link dev.av.core.AvException} (usually
 * {@link dev.av.core.AvException#permissionDenied()}) to refuse it. Guards run for every
 * authenticated request, after authorization and before the audit request entry and the backend.
 */
public interface RequestGuard {

    void check(LogicalRequest request, Decision decision);
}

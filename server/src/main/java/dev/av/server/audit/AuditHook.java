package dev.av.server.audit;

import dev.av.server.logical.LogicalResponse;

/**
 * Called by the HTTP layer around every API request. Register one as a Micronaut bean (the audit
 * area does). Without any bean, nothing is audited.
 *
 * <ul>
 *   <li>{@link #onRequest} runs after authentication and authorization and before the backend acts.
 *       Throwing fails the request closed: the client gets 500 and the backend never runs.
 *       For a denied request it is called with {@code record.allowed() == false} (best effort: an
 *       exception is then ignored and the client gets 403).</li>
 *   <li>{@link #onResponse} runs after the backend; {@code response} is null when the backend threw,
 *       then {@code error} holds the message the client sees. Throwing here turns the response into a
 *       500 without a body (the action has already happened, as in Vault).</li>
 * </ul>
 * Values in the request data and response (tokens, secrets) are clear text: the hook must HMAC them.
 */
public interface AuditHook {

    void onRequest(AuditRecord record);

    void onResponse(AuditRecord record, LogicalResponse response, String error);
}

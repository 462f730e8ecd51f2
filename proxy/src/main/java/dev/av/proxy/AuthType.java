package dev.av.proxy;

/** How a service's credential is injected. Injected values always replace what the client sent. */
public enum AuthType {
    /** {@code Authorization: Bearer <credential>} */
    BEARER,
    /** {@code Authorization: Basic base64(<username_credential>:<credential>)} */
    BASIC,
    /** {@code <header>: <credential>} */
    HEADER,
    /** {@code ?<query_param>=<credential>} */
    QUERY,
    /** {@code <header or Authorization>: <template with {{ credential }} replaced>} */
    TEMPLATE,
    /** nothing injected; the request is still authorized and audited */
    PASSTHROUGH
}

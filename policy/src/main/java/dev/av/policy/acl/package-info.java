/**
 * Vault ACL policies with Vault's exact semantics: parsing (HCL 1 and JSON), compiling a token's
 * policies into an immutable evaluator, and deciding requests.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * AclPolicy dev = AclPolicy.parse("dev", hclText);          // throws PolicyException with Vault's message
 * Acl acl = Acl.compile(List.of(dev, AclPolicy.defaultPolicy()), identityOrNull);   // once per token
 * AclDecision d = acl.evaluate(new AclRequest(Operation.UPDATE, "secret/data/foo", data, wrapTtlOrNull,
 *                                            rootProtected));
 * if (!d.allowed()) ... d.reason(), d.detail()
 * List<String> caps = acl.capabilities("secret/data/foo");  // sys/capabilities (unsorted; the endpoint sorts)
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.av.policy.acl.AclPolicy}: a parsed policy; {@code root()} and {@code defaultPolicy()}
 *       are the built-ins ({@link dev.av.policy.acl.BuiltinPolicies} has their text).</li>
 *   <li>{@link dev.av.policy.acl.Acl}: immutable and thread-safe; compile once per distinct policy set
 *       and cache it ({@link dev.av.policy.acl.AclCache}). The root policy must be alone.</li>
 *   <li>{@link dev.av.policy.acl.AclRequest}: operation, path (no {@code /v1/}; for LIST the HTTP layer
 *       appends '/'), top-level data, the wrapping TTL (null when none), and whether the path is
 *       root-protected for this operation (then sudo is needed too).</li>
 *   <li>{@link dev.av.policy.acl.AclDecision}: allowed, root privileges, is root, granting policies in
 *       order, MFA methods, control group, the matched pattern and the reason for a deny.</li>
 * </ul>
 *
 * <p>The rules, and every deliberate difference from Vault, are in {@code docs/policy-semantics.md}.
 */
package dev.av.policy.acl;

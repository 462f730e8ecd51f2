package dev.av.policy.acl;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One parsed {@code path "..." { ... }} stanza, as written (its label not yet templated).
 *
 * @param label             the label as written (may hold {@code {{identity...}}} placeholders)
 * @param line              the line of the stanza in its document
 * @param capabilities      the capability words after legacy {@code policy} mapping ({@code ["deny"]} for deny)
 * @param bitmap            the capabilities as Vault's bitmap
 * @param allowedParameters lower-cased names to raw value lists; null when absent
 * @param deniedParameters  as allowed; null when absent
 * @param requiredParameters as written; empty when absent
 * @param minWrappingTtl    zero when absent
 * @param maxWrappingTtl    zero when absent
 * @param mfaMethods        as written
 * @param controlGroup      null when absent
 * @param subscribeEventTypes as written
 * @param comment           null when absent
 */
public record Stanza(String label, int line, List<String> capabilities, int bitmap,
                     Map<String, List<Object>> allowedParameters, Map<String, List<Object>> deniedParameters,
                     List<String> requiredParameters, Duration minWrappingTtl, Duration maxWrappingTtl,
                     List<String> mfaMethods, ControlGroup controlGroup, List<String> subscribeEventTypes,
                     String comment) {

    /** True when the stanza is a deny: it then carries nothing else. */
    public boolean isDeny() {
        return (bitmap & Capability.DENY.bit()) != 0;
    }

    /** A label after templating, normalised as Vault stores it. */
    record Pattern(String path, boolean isPrefix, boolean hasSegmentWildcards) {
    }

    /** Vault's label normalisation: strip one '/', forbid '+*', detect '+' segments, strip a glob '*'. */
    static Pattern normalise(String label) {
        String path = label;
        if (!path.isEmpty() && path.charAt(0) == '/') {
            path = path.substring(1);
        }
        if (path.contains("+*")) {
            throw new PolicyException("path " + Hcl.quote(path) + ": invalid use of wildcards ('+*' is forbidden)");
        }
        boolean segments = path.equals("+") || path.contains("/+") || path.startsWith("+/");
        boolean prefix = false;
        if (path.endsWith("*") && !segments) {
            path = path.substring(0, path.length() - 1);
            prefix = true;
        }
        return new Pattern(path, prefix, segments);
    }
}

package dev.av.policy.acl;

import java.time.Duration;
import java.util.List;

/**
 * A path stanza's {@code control_group} (a Vault Enterprise feature that av parses, validates and
 * surfaces with each decision so that approvals can use it later).
 *
 * @param ttl     the control group's TTL, zero when not given
 * @param factors the factors, in file order (Vault keeps them in a Go map)
 */
public record ControlGroup(Duration ttl, List<Factor> factors) {

    public ControlGroup {
        factors = List.copyOf(factors);
    }

    /** One {@code factor "name" { identity { ... } controlled_capabilities = [...] }}. */
    public record Factor(String name, List<String> groupIds, List<String> groupNames, int approvals,
                         List<String> controlledCapabilities) {
        public Factor {
            groupIds = List.copyOf(groupIds);
            groupNames = List.copyOf(groupNames);
            controlledCapabilities = List.copyOf(controlledCapabilities);
        }
    }
}

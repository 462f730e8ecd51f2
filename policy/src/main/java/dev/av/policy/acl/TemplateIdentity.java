package dev.av.policy.acl;

import java.util.List;
import java.util.Map;

/**
 * The identity a templated policy ({@code {{identity.entity.name}}} ...) is filled from: the
 * token's entity, its aliases and the groups it belongs to. Absent values make a placeholder
 * unfillable, and Vault then silently drops that path stanza.
 */
public record TemplateIdentity(String entityId, String entityName, Map<String, String> entityMetadata,
                               List<Alias> aliases, List<Group> groups) {

    public TemplateIdentity {
        entityMetadata = entityMetadata == null ? Map.of() : Map.copyOf(entityMetadata);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** An entity with just an id and a name. */
    public static TemplateIdentity of(String entityId, String entityName) {
        return new TemplateIdentity(entityId, entityName, Map.of(), List.of(), List.of());
    }

    /** An alias of the entity on an auth mount. */
    public record Alias(String mountAccessor, String id, String name, Map<String, String> metadata,
                        Map<String, String> customMetadata) {
        public Alias {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
            customMetadata = customMetadata == null ? Map.of() : Map.copyOf(customMetadata);
        }
    }

    /** A group the entity is a member of. */
    public record Group(String id, String name, Map<String, String> metadata) {
        public Group {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }
}

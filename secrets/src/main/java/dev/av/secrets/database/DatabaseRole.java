package dev.av.secrets.database;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@code roles/:name} entry: how a dynamic user is created, renewed and dropped. */
record DatabaseRole(String name, String dbName, List<String> creationStatements, List<String> revocationStatements,
                    List<String> renewStatements, Duration defaultTtl, Duration maxTtl) {

    DatabaseRole {
        creationStatements = List.copyOf(creationStatements);
        revocationStatements = List.copyOf(revocationStatements);
        renewStatements = List.copyOf(renewStatements);
    }

    /** Vault's read shape (durations in seconds). */
    Map<String, Object> toResponse() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("creation_statements", creationStatements);
        out.put("credential_type", "password");
        out.put("db_name", dbName);
        out.put("default_ttl", defaultTtl.getSeconds());
        out.put("max_ttl", maxTtl.getSeconds());
        out.put("renew_statements", renewStatements);
        out.put("revocation_statements", revocationStatements);
        out.put("rollback_statements", List.of());
        return out;
    }
}

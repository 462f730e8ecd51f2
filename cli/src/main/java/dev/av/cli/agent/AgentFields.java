package dev.av.cli.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The agent fields {@code create} and {@code update} accept as flags (Vault-style single dash or double dash). */
final class AgentFields {

    @Option(names = {"-type", "--type"}, paramLabel = "TYPE", description = "Agent type, e.g. autonomous or assisted.")
    String type;

    @Option(names = {"-description", "--description"}, paramLabel = "TEXT", description = "What the agent is for.")
    String description;

    @Option(names = {"-metadata", "--metadata"}, paramLabel = "K=V", description = "Metadata pairs (repeatable or comma-separated).")
    List<String> metadata = new ArrayList<>();

    @Option(names = {"-policy", "--policy"}, paramLabel = "NAME", description = "ACL policy to attach (repeatable or comma-separated).")
    List<String> policies = new ArrayList<>();

    @Option(names = {"-delegate", "--delegate"}, paramLabel = "USER", description = "Registry user the agent may act for (repeatable).")
    List<String> delegates = new ArrayList<>();

    @Option(names = {"-max-ttl", "--max-ttl"}, paramLabel = "DURATION",
            description = "Cap on ephemeral token TTLs, e.g. 10m; also turns ephemeral tokens on.")
    String maxTtl;

    @Option(names = {"-default-ttl", "--default-ttl"}, paramLabel = "DURATION", description = "Default ephemeral token TTL.")
    String defaultTtl;

    /** The request body for the agent write; only the flags given. */
    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (type != null) {
            body.put("type", type);
        }
        if (description != null) {
            body.put("description", description);
        }
        if (!metadata.isEmpty()) {
            body.put("metadata", String.join(",", metadata));
        }
        if (!policies.isEmpty()) {
            body.put("policies", String.join(",", policies));
        }
        if (!delegates.isEmpty()) {
            body.put("delegates", String.join(",", delegates));
        }
        if (maxTtl != null) {
            body.put("max_ttl", maxTtl);
            body.put("ephemeral_enabled", true);
        }
        if (defaultTtl != null) {
            body.put("default_ttl", defaultTtl);
        }
        return body;
    }
}

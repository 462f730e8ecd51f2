package dev.av.cli.token;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code av token create}: POST auth/token/create. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create a new token (a child of the current one unless -orphan).", "",
            "  av token create -policy=dev -ttl=1h", "  av token create -policy=ci -use-limit=5 -field=token"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:created", "1:usage error", "2:error or denied"})
public final class TokenCreateCommand extends ClientCommand {

    @Option(names = {"-policy", "--policy"}, paramLabel = "NAME",
            description = "A policy for the token; repeat or separate by commas. Default: the parent's policies.")
    List<String> policies = new ArrayList<>();

    @Option(names = {"-ttl", "--ttl"}, paramLabel = "DURATION", description = "Initial TTL, e.g. 30m or 1h.")
    String ttl;

    @Option(names = {"-explicit-max-ttl", "--explicit-max-ttl"}, paramLabel = "DURATION",
            description = "Hard limit past which the token cannot be renewed.")
    String explicitMaxTtl;

    @Option(names = {"-period", "--period"}, paramLabel = "DURATION",
            description = "Make a periodic token: each renewal resets its TTL to this (needs sudo).")
    String period;

    @Option(names = {"-use-limit", "--use-limit"}, paramLabel = "N", description = "Number of uses (0 = unlimited).")
    Integer useLimit;

    @Option(names = {"-renewable", "--renewable"}, arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Whether the token can be renewed (default true).")
    Boolean renewable;

    @Option(names = {"-orphan", "--orphan"}, description = "Create a token with no parent (needs sudo).")
    boolean orphan;

    @Option(names = {"-no-default-policy", "--no-default-policy"}, description = "Do not attach the default policy.")
    boolean noDefaultPolicy;

    @Option(names = {"-display-name", "--display-name"}, paramLabel = "NAME", description = "A name to show for the token.")
    String displayName;

    @Option(names = {"-metadata", "--metadata"}, paramLabel = "K=V", description = "Metadata; repeat for more.")
    List<String> metadata = new ArrayList<>();

    @Option(names = {"-id", "--id"}, paramLabel = "ID", description = "The token's value (needs root/sudo).")
    String id;

    @Option(names = {"-type", "--type"}, paramLabel = "TYPE", description = "Token type: service (default).")
    String type;

    @Override
    protected String action() {
        return "creating token";
    }

    @Override
    protected int execute() {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> pol = new ArrayList<>();
        for (String p : policies) {
            for (String s : p.split(",")) {
                if (!s.isBlank()) {
                    pol.add(s.strip());
                }
            }
        }
        if (!pol.isEmpty()) {
            body.put("policies", pol);
        }
        putIf(body, "ttl", ttl);
        putIf(body, "explicit_max_ttl", explicitMaxTtl);
        putIf(body, "period", period);
        if (useLimit != null) {
            if (useLimit < 0) {
                throw new UsageException("Error: -use-limit must not be negative");
            }
            body.put("num_uses", useLimit);
        }
        if (renewable != null) {
            body.put("renewable", renewable);
        }
        if (orphan) {
            body.put("no_parent", true);
        }
        if (noDefaultPolicy) {
            body.put("no_default_policy", true);
        }
        putIf(body, "display_name", displayName);
        putIf(body, "id", id);
        putIf(body, "type", type);
        if (!metadata.isEmpty()) {
            Map<String, Object> meta = new LinkedHashMap<>();
            for (String kv : metadata) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("Error: -metadata must be key=value");
                }
                meta.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            body.put("meta", meta);
        }
        ApiResponse r = client().write("auth/token/create", body);
        return output().secret(r);
    }

    private static void putIf(Map<String, Object> body, String key, String value) {
        if (value != null && !value.isBlank()) {
            body.put(key, value);
        }
    }
}

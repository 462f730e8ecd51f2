package dev.av.cli.secrets;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.KeyValueArgs;
import dev.av.cli.UsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code av secrets enable [-path=P] TYPE [K=V...]}. For {@code vault} the K=V pairs are the upstream
 * connection and go to {@code P/config}, where av seals them (a token never lands in the mount
 * table); for the other types they are the mount's options.
 */
@Command(name = "enable", mixinStandardHelpOptions = true,
        description = {"Enable a secret engine at a path.", "",
            "  av secrets enable database",
            "  av secrets enable -path=local env file=/home/me/project/.env",
            "  av secrets enable -path=corp vault address=https://vault.corp:8200 token=@token.txt ca_cert=@ca.pem",
            "  av secrets enable -path=corp vault address=https://vault.corp:8200 auth_method=approle role_id=R secret_id=S",
            "", "A value starting with @ is read from that file."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:enabled", "1:usage error", "2:error or denied"})
public final class SecretsEnableCommand extends ClientCommand {

    @Option(names = {"-path", "--path"}, paramLabel = "PATH", description = "Where to mount (default: the type's name).")
    String path;

    @Option(names = {"-description", "--description"}, paramLabel = "TEXT", description = "A human-friendly description.")
    String description;

    @Option(names = {"-default-lease-ttl", "--default-lease-ttl"}, paramLabel = "DURATION",
            description = "Default TTL of leases this mount hands out (e.g. 1h).")
    String defaultLeaseTtl;

    @Option(names = {"-max-lease-ttl", "--max-lease-ttl"}, paramLabel = "DURATION",
            description = "Maximum TTL of leases this mount hands out.")
    String maxLeaseTtl;

    @Parameters(index = "0", paramLabel = "TYPE", description = "kv, database, vault or env.")
    String type;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "K=V",
            description = "Options (vault: the upstream connection: address, namespace, token, auth_method, role_id, secret_id, ...).")
    List<String> options = List.of();

    @Override
    protected String action() {
        return "enabling";
    }

    @Override
    protected int execute() {
        String mount = trim(path == null || path.isBlank() ? type : path);
        if (mount.isEmpty()) {
            throw new UsageException("Error: the mount path must not be empty");
        }
        Map<String, Object> kv = new KeyValueArgs(cli().in()).parse(options);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        if (description != null) {
            body.put("description", description);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        if (defaultLeaseTtl != null) {
            config.put("default_lease_ttl", defaultLeaseTtl);
        }
        if (maxLeaseTtl != null) {
            config.put("max_lease_ttl", maxLeaseTtl);
        }
        if (!config.isEmpty()) {
            body.put("config", config);
        }
        boolean vault = type.equals("vault");
        if (!vault && !kv.isEmpty()) {
            Map<String, String> opts = new LinkedHashMap<>();
            kv.forEach((k, v) -> opts.put(k, String.valueOf(v)));
            body.put("options", opts);
        }
        client().write("sys/mounts/" + mount, body);
        if (vault && !kv.isEmpty()) {
            try {
                client().write(mount + "/config", kv);
            } catch (RuntimeException e) {
                // the mount without a working upstream is useless: take it away again, then report
                client().delete("sys/mounts/" + mount);
                throw e;
            }
        }
        out().println("Success! Enabled the " + type + " secrets engine at: " + mount + "/");
        return ExitCodes.OK;
    }

    static String trim(String p) {
        String s = p.trim();
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}

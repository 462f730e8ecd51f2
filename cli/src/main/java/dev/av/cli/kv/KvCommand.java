package dev.av.cli.kv;

import dev.av.api.ApiResponse;
import dev.av.cli.ExitCodes;
import dev.av.cli.KeyValueArgs;
import dev.av.cli.UsageException;
import dev.av.cli.output.Output;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av kv ...}: Vault's {@code vault kv} for KV v2 mounts. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = {"Read and write versioned secrets in a KV v2 mount (like vault kv).", "",
            "  av kv put secret/app password=s3cr3t", "  av kv get -field=password secret/app",
            "  av kv list secret/", "  av kv metadata get secret/app"},
        subcommands = {KvCommand.Get.class, KvCommand.Put.class, KvCommand.Patch.class, KvCommand.ListKeys.class,
            KvVersionCommands.Delete.class, KvVersionCommands.Undelete.class, KvVersionCommands.Destroy.class,
            KvMetadataCommand.class})
public final class KvCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing a subcommand: get, put, patch, list, delete, undelete, destroy or metadata");
    }

    /** {@code av kv get [-version=N] PATH}. */
    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Print a secret's data and its version metadata.", "",
                "  av kv get secret/app", "  av kv get -version=1 -field=password secret/app"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:found", "1:usage error", "2:error, denied or nothing at PATH"})
    static final class Get extends KvClientCommand {

        @Parameters(index = "0", paramLabel = "PATH", description = "MOUNT/KEY, e.g. secret/app.")
        String path;

        @Option(names = "-version", paramLabel = "N", description = "The version to read (default: the latest).")
        Integer version;

        private String apiPath;

        @Override
        protected String action() {
            return "reading " + apiPath;
        }

        @Override
        protected int execute() {
            KvPath p = kvPath(path);
            p.requireKey();
            apiPath = p.api("data");
            Map<String, String> query = new LinkedHashMap<>();
            if (version != null) {
                query.put("version", Integer.toString(version));
            }
            Optional<ApiResponse> read = client().read(apiPath, query);
            if (read.isEmpty()) {
                err().println("No value found at " + apiPath);
                return ExitCodes.SERVER;
            }
            return print(output(), read.get(), apiPath, field);
        }
    }

    @SuppressWarnings("unchecked")
    static int print(Output out, ApiResponse r, String apiPath, String field) {
        Map<String, Object> envelope = r.data() == null ? Map.of() : r.data();
        Map<String, Object> data = envelope.get("data") instanceof Map<?, ?> d ? (Map<String, Object>) d : null;
        if (field != null) {
            if (data == null) {
                out.err().println("No data found at " + apiPath);
                return ExitCodes.SERVER;
            }
            return KvOutput.field(out, data, field);
        }
        if (KvOutput.structured(out, r)) {
            return ExitCodes.OK;
        }
        out.warnings(r);
        KvOutput.path(out, "Secret Path", apiPath);
        if (envelope.get("metadata") instanceof Map<?, ?> meta) {
            KvOutput.section(out, "Metadata", (Map<String, Object>) meta);
        }
        if (data != null) {
            out.out().println();
            KvOutput.section(out, "Data", data);
        }
        return ExitCodes.OK;
    }

    /** What {@code put} and {@code patch} print: the path and the new version's metadata. */
    static int printWritten(Output out, ApiResponse r, String apiPath, String field) {
        Map<String, Object> data = r.data() == null ? Map.of() : r.data();
        if (field != null) {
            return KvOutput.field(out, data, field);
        }
        if (KvOutput.structured(out, r)) {
            return ExitCodes.OK;
        }
        out.warnings(r);
        KvOutput.path(out, "Secret Path", apiPath);
        KvOutput.section(out, "Metadata", data);
        return ExitCodes.OK;
    }

    static Map<String, Object> body(Map<String, Object> data, Integer cas) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        if (cas != null && cas >= 0) {
            body.put("options", Map.of("cas", cas));
        }
        return body;
    }

    /** {@code av kv put [-cas=N] PATH k=v...}. */
    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Write a new version of a secret (replaces all its data).", "",
                "  av kv put secret/app user=app password=s3cr3t", "  av kv put -cas=0 secret/app password=@pw.txt",
                "  echo '{\"password\":\"s3cr3t\"}' | av kv put secret/app -"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "1:usage error", "2:error, cas mismatch or denied"})
    static final class Put extends KvClientCommand {

        @Parameters(index = "0", paramLabel = "PATH", description = "MOUNT/KEY, e.g. secret/app.")
        String path;

        @Parameters(index = "1..*", paramLabel = "K=V", description = "Data: key=value, key=@file, key=-, or - for JSON on stdin.")
        List<String> data = List.of();

        @Option(names = {"-cas", "--cas"}, paramLabel = "N",
                description = "Check-and-set: 0 writes only if the secret does not exist, N only if the current version is N.")
        Integer cas;

        private String apiPath;

        @Override
        protected String action() {
            return "writing " + apiPath;
        }

        @Override
        protected int execute() {
            KvPath p = kvPath(path);
            p.requireKey();
            apiPath = p.api("data");
            Map<String, Object> values = new KeyValueArgs(cli().in()).parse(data);
            if (values.isEmpty()) {
                throw new UsageException("Must supply data");
            }
            return printWritten(output(), client().write(apiPath, body(values, cas)), apiPath, field);
        }
    }

    /** {@code av kv patch [-cas=N] PATH k=v...}. */
    @Command(name = "patch", mixinStandardHelpOptions = true,
            description = {"Change some keys of a secret's latest version (JSON merge patch), making a new version.", "",
                "  av kv patch secret/app password=n3w", "  av kv patch -cas=2 secret/app ttl=1h"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "1:usage error", "2:error, no such secret, cas mismatch or denied"})
    static final class Patch extends KvClientCommand {

        @Parameters(index = "0", paramLabel = "PATH", description = "MOUNT/KEY, e.g. secret/app.")
        String path;

        @Parameters(index = "1..*", paramLabel = "K=V", description = "Data: key=value, key=@file, key=-, or - for JSON on stdin.")
        List<String> data = List.of();

        @Option(names = {"-cas", "--cas"}, paramLabel = "N", description = "Check-and-set: only if the current version is N.")
        Integer cas;

        private String apiPath;

        @Override
        protected String action() {
            return "writing " + apiPath;
        }

        @Override
        protected int execute() {
            KvPath p = kvPath(path);
            p.requireKey();
            apiPath = p.api("data");
            Map<String, Object> values = new KeyValueArgs(cli().in()).parse(data);
            if (values.isEmpty()) {
                throw new UsageException("Must supply data");
            }
            ApiResponse r = client().send("PATCH", apiPath, Map.of(), body(values, cas),
                    Map.of("Content-Type", "application/merge-patch+json"));
            if (r.status() == 404 && r.errors().isEmpty()) {
                err().println("Error writing " + apiPath + ": no secret exists at this path (or its latest version "
                        + "is deleted); use av kv put");
                return ExitCodes.SERVER;
            }
            return printWritten(output(), r.orThrow(), apiPath, field);
        }
    }

    /** {@code av kv list PATH}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the keys under a path; folders end in /.", "", "  av kv list secret/", "  av kv list secret/app"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "1:usage error", "2:error, denied or nothing at PATH"})
    static final class ListKeys extends KvClientCommand {

        @Parameters(index = "0", paramLabel = "PATH", description = "MOUNT[/PREFIX], e.g. secret/ or secret/app.")
        String path;

        private String apiPath;

        @Override
        protected String action() {
            return "listing " + apiPath;
        }

        @Override
        protected int execute() {
            apiPath = kvPath(path).api("metadata");
            String listed = apiPath.endsWith("/") ? apiPath : apiPath + "/";
            Optional<ApiResponse> r = client().list(listed);
            if (r.isEmpty() || r.get().data() == null || !(r.get().data().get("keys") instanceof List<?>)) {
                err().println("No value found at " + listed);
                return ExitCodes.SERVER;
            }
            return output().list(r.get());
        }
    }
}

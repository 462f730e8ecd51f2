package dev.av.cli.kv;

import dev.av.api.ApiResponse;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import dev.av.cli.output.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av kv metadata get|put|delete}: a secret's settings and version history. */
@Command(name = "metadata", mixinStandardHelpOptions = true,
        description = {"Read and change a secret's metadata (settings and versions).", "",
            "  av kv metadata get secret/app", "  av kv metadata put -max-versions=5 -custom-metadata=owner=team-a secret/app",
            "  av kv metadata delete secret/app"},
        subcommands = {KvMetadataCommand.Get.class, KvMetadataCommand.Put.class, KvMetadataCommand.Delete.class})
public final class KvMetadataCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand: get, put or delete");
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Print a secret's metadata and every kept version.", "", "  av kv metadata get secret/app"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:found", "1:usage error", "2:error, denied or nothing at PATH"})
    static final class Get extends KvClientCommand {

        @Parameters(index = "0", paramLabel = "PATH", description = "MOUNT/KEY, e.g. secret/app.")
        String path;

        private String apiPath;

        @Override
        protected String action() {
            return "reading " + apiPath;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected int execute() {
            KvPath p = kvPath(path);
            p.requireKey();
            apiPath = p.api("metadata");
            Optional<ApiResponse> read = client().read(apiPath);
            if (read.isEmpty() || read.get().data() == null) {
                err().println("No value found at " + apiPath);
                return ExitCodes.SERVER;
            }
            Output out = output();
            Map<String, Object> data = new LinkedHashMap<>(read.get().data());
            if (field != null) {
                return KvOutput.field(out, data, field);
            }
            if (KvOutput.structured(out, read.get())) {
                return ExitCodes.OK;
            }
            Object versions = data.remove("versions");
            out.warnings(read.get());
            KvOutput.path(out, "Metadata Path", apiPath);
            KvOutput.section(out, "Metadata", data);
            if (versions instanceof Map<?, ?> byVersion) {
                List<Long> numbers = new ArrayList<>();
                byVersion.keySet().forEach(k -> numbers.add(Long.parseLong(String.valueOf(k))));
                numbers.sort(null);
                for (long n : numbers) {
                    out.out().println();
                    KvOutput.section(out, "Version " + n, (Map<String, Object>) byVersion.get(Long.toString(n)));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Create or change a secret's metadata; flags not given are left as they are.", "",
                "  av kv metadata put -max-versions=5 -cas-required=true secret/app",
                "  av kv metadata put -delete-version-after=720h -custom-metadata=owner=team-a secret/app"},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:written", "1:usage error", "2:error or denied"})
    static final class Put extends KvClientCommand {

        @Parameters(index = "0", paramLabel = "PATH", description = "MOUNT/KEY, e.g. secret/app.")
        String path;

        @Option(names = {"-max-versions", "--max-versions"}, paramLabel = "N",
                description = "Versions to keep (0 = the mount's setting, else 10).")
        Integer maxVersions;

        @Option(names = {"-cas-required", "--cas-required"}, paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
                description = "Require check-and-set on every write.")
        Boolean casRequired;

        @Option(names = {"-delete-version-after", "--delete-version-after"}, paramLabel = "DURATION",
                description = "Soft-delete each version this long after it is written (e.g. 720h; 0s = never).")
        String deleteVersionAfter;

        @Option(names = {"-custom-metadata", "--custom-metadata"}, paramLabel = "K=V",
                description = "A custom metadata entry; repeat for more. Replaces all custom metadata.")
        List<String> customMetadata = new ArrayList<>();

        private String apiPath;

        @Override
        protected String action() {
            return "writing " + apiPath;
        }

        @Override
        protected int execute() {
            KvPath p = kvPath(path);
            p.requireKey();
            apiPath = p.api("metadata");
            Map<String, Object> body = new LinkedHashMap<>();
            if (maxVersions != null) {
                body.put("max_versions", maxVersions);
            }
            if (casRequired != null) {
                body.put("cas_required", casRequired);
            }
            if (deleteVersionAfter != null) {
                body.put("delete_version_after", deleteVersionAfter);
            }
            if (!customMetadata.isEmpty()) {
                Map<String, String> custom = new LinkedHashMap<>();
                for (String kv : customMetadata) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new UsageException("Error: -custom-metadata must be KEY=VALUE");
                    }
                    custom.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                body.put("custom_metadata", custom);
            }
            client().write(apiPath, body);
            output().out().println("Success! Data written to: " + apiPath);
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a secret entirely: every version and its metadata (cannot be undone).", "",
                "  av kv metadata delete secret/app"},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:deleted", "1:usage error", "2:error or denied"})
    static final class Delete extends KvClientCommand {

        @Parameters(index = "0", paramLabel = "PATH", description = "MOUNT/KEY, e.g. secret/app.")
        String path;

        private String apiPath;

        @Override
        protected String action() {
            return "deleting " + apiPath;
        }

        @Override
        protected int execute() {
            KvPath p = kvPath(path);
            p.requireKey();
            apiPath = p.api("metadata");
            client().delete(apiPath);
            output().out().println("Success! Data deleted (if it existed) at: " + apiPath);
            return ExitCodes.OK;
        }
    }
}

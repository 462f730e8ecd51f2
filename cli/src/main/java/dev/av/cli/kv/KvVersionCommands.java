package dev.av.cli.kv;

import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av kv delete|undelete|destroy}: soft delete, restore and permanent removal of versions. */
final class KvVersionCommands {

    private KvVersionCommands() {
    }

    abstract static class VersionsCommand extends KvClientCommand {

        @Parameters(index = "0", paramLabel = "PATH", description = "MOUNT/KEY, e.g. secret/app.")
        String path;

        @Option(names = {"-versions", "--versions"}, paramLabel = "N[,N...]", split = ",",
                description = "The versions, comma separated.")
        List<String> versions = new ArrayList<>();

        String apiPath;

        @Override
        protected String action() {
            return this instanceof Delete ? "deleting " + apiPath : "writing " + apiPath;
        }

        List<Long> parsedVersions() {
            List<Long> out = new ArrayList<>();
            for (String v : versions) {
                try {
                    out.add(Long.parseLong(v.trim()));
                } catch (NumberFormatException e) {
                    throw new UsageException("Error: -versions must be numbers, got \""
                            + (v.length() > 20 ? v.substring(0, 20) : v) + "\"");
                }
            }
            return out;
        }

        int versionsCall(String section, String success) {
            KvPath p = kvPath(path);
            p.requireKey();
            apiPath = p.api(section);
            List<Long> list = parsedVersions();
            if (list.isEmpty()) {
                throw new UsageException("Missing -versions flag: the versions to " + section);
            }
            client().write(apiPath, Map.of("versions", list));
            output().out().println(success + apiPath);
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Soft-delete the latest version, or the given -versions (undelete restores them).", "",
                "  av kv delete secret/app", "  av kv delete -versions=1,2 secret/app"},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:deleted", "1:usage error", "2:error or denied"})
    static final class Delete extends VersionsCommand {
        @Override
        protected int execute() {
            if (!versions.isEmpty()) {
                return versionsCall("delete", "Success! Data deleted (if it existed) at: ");
            }
            KvPath p = kvPath(path);
            p.requireKey();
            apiPath = p.api("data");
            client().delete(apiPath);
            output().out().println("Success! Data deleted (if it existed) at: " + apiPath);
            return ExitCodes.OK;
        }
    }

    @Command(name = "undelete", mixinStandardHelpOptions = true,
            description = {"Restore soft-deleted versions.", "", "  av kv undelete -versions=2 secret/app"},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:restored", "1:usage error", "2:error or denied"})
    static final class Undelete extends VersionsCommand {
        @Override
        protected int execute() {
            return versionsCall("undelete", "Success! Data written to: ");
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = {"Permanently remove the data of the given versions (cannot be undone).", "",
                "  av kv destroy -versions=1 secret/app"},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:destroyed", "1:usage error", "2:error or denied"})
    static final class Destroy extends VersionsCommand {
        @Override
        protected int execute() {
            return versionsCall("destroy", "Success! Data written to: ");
        }
    }
}

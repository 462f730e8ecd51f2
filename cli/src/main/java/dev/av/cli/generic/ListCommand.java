package dev.av.cli.generic;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av list PATH}: LIST /v1/PATH (sent as GET ?list=true). */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the keys at PATH (a trailing / marks a folder).", "", "  av list secret/metadata/",
            "  av list sys/policies/acl"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "1:usage error", "2:error, denied or nothing at PATH"})
public final class ListCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PATH", description = "The path to list.")
    String path;

    @Override
    protected String action() {
        return "listing " + path;
    }

    @Override
    protected int execute() {
        Optional<ApiResponse> r = client().list(path);
        if (r.isEmpty() || r.get().data() == null || !(r.get().data().get("keys") instanceof List<?>)) {
            err().println("No value found at " + path);
            return ExitCodes.SERVER;
        }
        return output().list(r.get());
    }
}

package dev.av.cli.agent;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code av agent list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List registered agents.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:listed", "1:usage error", "2:error, denied or none"})
public final class AgentListCommand extends ClientCommand {

    @Override
    protected String action() {
        return "listing agents";
    }

    @Override
    protected int execute() {
        Optional<ApiResponse> r = client().list("agent-registry/agents");
        if (r.isEmpty() || r.get().data() == null || !(r.get().data().get("keys") instanceof List<?>)) {
            err().println("No agents registered");
            return ExitCodes.SERVER;
        }
        return output().list(r.get());
    }
}

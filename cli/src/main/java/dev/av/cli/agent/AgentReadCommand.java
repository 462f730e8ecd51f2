package dev.av.cli.agent;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av agent read NAME}. */
@Command(name = "read", mixinStandardHelpOptions = true, description = "Show an agent.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:shown", "1:usage error", "2:error, denied or missing"})
public final class AgentReadCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected String action() {
        return "reading agent " + name;
    }

    @Override
    protected int execute() {
        Optional<ApiResponse> r = client().read(AgentCommand.BASE + name);
        if (r.isEmpty()) {
            err().println("No agent named " + name);
            return ExitCodes.SERVER;
        }
        return output().secret(r.get());
    }
}

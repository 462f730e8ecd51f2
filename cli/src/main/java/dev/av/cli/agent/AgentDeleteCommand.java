package dev.av.cli.agent;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av agent delete NAME}: removes the agent, its delegations and identity tokens. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an agent with its delegations and tokens.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:deleted", "1:usage error", "2:error or denied"})
public final class AgentDeleteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected String action() {
        return "deleting agent " + name;
    }

    @Override
    protected int execute() {
        client().delete(AgentCommand.BASE + name);
        out().println("Success! Agent " + name + " deleted.");
        return ExitCodes.OK;
    }
}

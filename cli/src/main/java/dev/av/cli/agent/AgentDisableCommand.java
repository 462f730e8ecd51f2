package dev.av.cli.agent;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av agent disable NAME}: every token of the agent stops working at once. */
@Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable an agent: all its tokens stop at once.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:disabled", "1:usage error", "2:error, denied or missing"})
public final class AgentDisableCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected String action() {
        return "disabling agent " + name;
    }

    @Override
    protected int execute() {
        client().write(AgentCommand.BASE + name, Map.of("status", "disabled"));
        out().println("Success! Agent " + name + " disabled.");
        return ExitCodes.OK;
    }
}

package dev.av.cli.agent;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av agent enable NAME}: the agent works again. */
@Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled agent again (rotated or revoked tokens stay dead).",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:enabled", "1:usage error", "2:error, denied or missing"})
public final class AgentEnableCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected String action() {
        return "enabling agent " + name;
    }

    @Override
    protected int execute() {
        client().write(AgentCommand.BASE + name, Map.of("status", "active"));
        out().println("Success! Agent " + name + " enabled.");
        return ExitCodes.OK;
    }
}

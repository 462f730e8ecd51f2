package dev.av.cli.agent;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code av agent create NAME [flags]}: registers a new agent; refuses an existing name. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Register a new agent.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:created", "1:usage error", "2:error, denied or exists"})
public final class AgentCreateCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "3-64 characters of a-z, 0-9 and '-'.")
    String name;

    @Mixin
    AgentFields fields;

    @Override
    protected String action() {
        return "creating agent " + name;
    }

    @Override
    protected int execute() {
        if (client().read(AgentCommand.BASE + name).isPresent()) {
            throw new UsageException("Error creating agent " + name + ": it already exists (use av agent update)");
        }
        client().write(AgentCommand.BASE + name, fields.body());
        out().println("Success! Agent " + name + " created.");
        return ExitCodes.OK;
    }
}

package dev.av.cli.agent;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code av agent update NAME [flags]}: changes the given fields of an existing agent. */
@Command(name = "update", mixinStandardHelpOptions = true, description = "Change an agent's fields (only the flags given).",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:updated", "1:usage error", "2:error, denied or missing"})
public final class AgentUpdateCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin
    AgentFields fields;

    @Override
    protected String action() {
        return "updating agent " + name;
    }

    @Override
    protected int execute() {
        Map<String, Object> body = fields.body();
        if (body.isEmpty()) {
            throw new UsageException("Nothing to update: give at least one flag (see av agent update -h)");
        }
        if (client().read(AgentCommand.BASE + name).isEmpty()) {
            err().println("Error updating agent " + name + ": no such agent");
            return ExitCodes.SERVER;
        }
        client().write(AgentCommand.BASE + name, body);
        out().println("Success! Agent " + name + " updated.");
        return ExitCodes.OK;
    }
}

package dev.av.cli.policy;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av policy delete NAME}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a policy from the server.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:deleted", "1:usage error", "2:refused by the server"})
public final class PolicyDeleteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The policy name.")
    String name;

    @Option(names = {"-cedar", "--cedar"}, description = "Delete a Cedar policy set.")
    boolean cedar;

    @Override
    protected String action() {
        return "deleting policy";
    }

    @Override
    protected int execute() {
        client().delete((cedar ? PolicyCommand.CEDAR_BASE : PolicyCommand.ACL_BASE) + name);
        out().println("Success! Deleted policy: " + name);
        return ExitCodes.OK;
    }
}

package dev.av.cli.audit;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av audit disable NAME}: DELETE sys/audit/NAME (the device writes a final checkpoint). */
@Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable the audit device at NAME.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:disabled (or was not enabled)", "1:usage error",
            "2:refused by the server"})
public final class AuditDisableCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    protected String action() {
        return "disabling audit device";
    }

    @Override
    protected int execute() {
        String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        client().delete(AuditCommand.BASE + n);
        out().println("Success! Disabled audit device (if it was enabled) at: " + n + "/");
        return ExitCodes.OK;
    }
}

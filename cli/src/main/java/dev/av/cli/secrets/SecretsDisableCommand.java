package dev.av.cli.secrets;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av secrets disable PATH}: revokes the mount's leases, then removes it and its data. */
@Command(name = "disable", mixinStandardHelpOptions = true,
        description = {"Disable a secret engine. Its leases are revoked first; all its data is deleted."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:disabled", "1:usage error", "2:error or denied"})
public final class SecretsDisableCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PATH", description = "The mount path, e.g. database/.")
    String path;

    @Override
    protected String action() {
        return "disabling secrets engine";
    }

    @Override
    protected int execute() {
        String mount = SecretsEnableCommand.trim(path);
        client().delete("sys/mounts/" + mount);
        out().println("Success! Disabled the secrets engine (if it existed) at: " + mount + "/");
        return ExitCodes.OK;
    }
}

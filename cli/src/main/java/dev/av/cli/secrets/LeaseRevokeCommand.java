package dev.av.cli.secrets;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av lease revoke [-prefix] ID}. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke a lease now (the secret behind it is destroyed), or every lease under a prefix.", "",
            "  av lease revoke database/creds/ro/2f6a...", "  av lease revoke -prefix database/creds/ro   # sudo"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:revoked", "1:usage error", "2:error or denied"})
public final class LeaseRevokeCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The lease id (or prefix with -prefix).")
    String id;

    @Option(names = {"-prefix", "--prefix"}, description = "Treat ID as a prefix and revoke every lease under it.")
    boolean prefix;

    @Override
    protected String action() {
        return "revoking lease";
    }

    @Override
    protected int execute() {
        if (prefix) {
            client().write("sys/leases/revoke-prefix/" + id, Map.of());
            out().println("Success! Revoked any leases with prefix: " + id);
        } else {
            client().write("sys/leases/revoke", Map.of("lease_id", id));
            out().println("Success! Revoked lease: " + id);
        }
        return ExitCodes.OK;
    }
}

package dev.av.cli.secrets;

import dev.av.cli.ClientCommand;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av lease lookup LEASE_ID}. */
@Command(name = "lookup", mixinStandardHelpOptions = true, description = "Show a lease's issue time, expiry and TTL.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:found", "1:usage error", "2:error, denied or unknown"})
public final class LeaseLookupCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "LEASE_ID", description = "e.g. database/creds/ro/2f6a...")
    String leaseId;

    @Override
    protected String action() {
        return "looking up lease";
    }

    @Override
    protected int execute() {
        return output().secret(client().write("sys/leases/lookup", Map.of("lease_id", leaseId)));
    }
}

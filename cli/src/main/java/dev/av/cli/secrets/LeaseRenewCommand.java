package dev.av.cli.secrets;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.core.Durations;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av lease renew [-increment=D] LEASE_ID}. */
@Command(name = "renew", mixinStandardHelpOptions = true,
        description = {"Renew a lease: its new TTL is the increment (or its original TTL), capped by its max TTL."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:renewed", "1:usage error", "2:error or denied"})
public final class LeaseRenewCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "LEASE_ID", description = "The lease to renew.")
    String leaseId;

    @Option(names = {"-increment", "--increment"}, paramLabel = "DURATION", description = "Requested TTL, e.g. 30m.")
    String increment;

    @Override
    protected String action() {
        return "renewing lease";
    }

    @Override
    protected int execute() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("lease_id", leaseId);
        if (increment != null) {
            body.put("increment", Durations.parse("increment", increment).toSeconds());
        }
        ApiResponse r = client().write("sys/leases/renew", body);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("lease_id", r.leaseId());
        values.put("lease_duration", Durations.format(java.time.Duration.ofSeconds(r.leaseDuration())));
        values.put("lease_renewable", r.renewable());
        return output().values(values);
    }
}

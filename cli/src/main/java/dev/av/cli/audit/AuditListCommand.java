package dev.av.cli.audit;

import dev.av.api.ApiResponse;
import dev.av.api.Json;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.output.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code av audit list [-detailed]}: GET sys/audit. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the enabled audit devices.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:listed", "1:usage error", "2:refused by the server"})
public final class AuditListCommand extends ClientCommand {

    @Option(names = {"-detailed", "--detailed"}, description = "Also show options, counters and the checkpoint key.")
    boolean detailed;

    @Override
    protected String action() {
        return "listing audit devices";
    }

    @Override
    @SuppressWarnings("unchecked")
    protected int execute() {
        Optional<ApiResponse> r = client().read("sys/audit");
        Map<String, Object> data = r.map(ApiResponse::data).orElse(Map.of());
        if (outputFormat() != Format.TABLE) {
            return output().values(data);
        }
        if (data.isEmpty()) {
            out().println("No audit devices are enabled.");
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(detailed ? new String[] {"Path", "Type", "Description", "Options", "Written", "Failed", "Spool",
            "Last checkpoint", "Public key"} : new String[] {"Path", "Type", "Description"});
        rows.add(detailed ? new String[] {"----", "----", "-----------", "-------", "-------", "------", "-----",
            "---------------", "----------"} : new String[] {"----", "----", "-----------"});
        for (Map.Entry<String, Object> e : new TreeMap<>(data).entrySet()) {
            Map<String, Object> d = e.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            String type = String.valueOf(d.getOrDefault("type", ""));
            String desc = String.valueOf(d.getOrDefault("description", ""));
            if (!detailed) {
                rows.add(new String[] {e.getKey(), type, desc});
                continue;
            }
            Map<String, Object> stats = d.get("stats") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
            Object opts = d.get("options");
            rows.add(new String[] {e.getKey(), type, desc, opts == null ? "" : Json.write(opts),
                str(stats.get("written")), str(stats.get("failed")), str(stats.get("spool_pending_bytes")),
                str(stats.get("last_checkpoint")), str(d.get("public_key"))});
        }
        output().columns(rows);
        return ExitCodes.OK;
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }
}

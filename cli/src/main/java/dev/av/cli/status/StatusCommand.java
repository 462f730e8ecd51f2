package dev.av.cli.status;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code av status}: the seal status (GET sys/seal-status, no token needed). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Print whether av is initialized and sealed.", "",
            "Exit code 0 when unsealed, 2 when sealed or unreachable."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:unsealed", "1:usage error", "2:sealed, or an error"})
public final class StatusCommand extends ClientCommand {

    @Override
    protected String action() {
        return "checking seal status";
    }

    @Override
    protected int execute() {
        ApiResponse r = client().send("GET", "sys/seal-status", Map.of(), null, Map.of()).orThrow();
        Map<String, Object> s = r.envelope();
        boolean sealed = !Boolean.FALSE.equals(s.get("sealed"));
        int code;
        if (field == null && outputFormat() != dev.av.cli.output.Format.TABLE) {
            code = output().values(s);
        } else {
            code = output().values(rows(s));
        }
        return code != ExitCodes.OK ? code : sealed ? ExitCodes.SERVER : ExitCodes.OK;
    }

    /** Vault's row names for the seal status. */
    public static Map<String, Object> rows(Map<String, Object> s) {
        Map<String, Object> rows = new LinkedHashMap<>();
        put(rows, "Seal Type", s.get("type"));
        put(rows, "Initialized", s.get("initialized"));
        put(rows, "Sealed", s.get("sealed"));
        put(rows, "Total Shares", s.get("n"));
        put(rows, "Threshold", s.get("t"));
        if (Boolean.TRUE.equals(s.get("sealed"))) {
            put(rows, "Unseal Progress", s.get("progress") == null ? null : s.get("progress") + "/" + s.get("t"));
        }
        put(rows, "Version", s.get("version"));
        put(rows, "Storage Type", s.get("storage_type"));
        put(rows, "Cluster Name", s.get("cluster_name"));
        rows.put("HA Enabled", false);
        return rows;
    }

    private static void put(Map<String, Object> rows, String k, Object v) {
        if (v != null) {
            rows.put(k, v);
        }
    }
}

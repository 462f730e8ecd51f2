package dev.av.cli.secrets;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.output.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/** {@code av secrets list}: the mounts, as Vault's {@code vault secrets list} prints them. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the enabled secret engines.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:listed", "1:usage error", "2:error or denied"})
public final class SecretsListCommand extends ClientCommand {

    @Override
    protected String action() {
        return "listing secrets engines";
    }

    @Override
    protected int execute() {
        Optional<ApiResponse> r = client().read("sys/mounts");
        if (r.isEmpty() || r.get().data() == null) {
            err().println("No secrets engines enabled");
            return ExitCodes.SERVER;
        }
        if (outputFormat() != Format.TABLE) {
            return output().secret(r.get());
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Path", "Type", "Accessor", "Description"});
        rows.add(new String[] {"----", "----", "--------", "-----------"});
        for (Map.Entry<String, Object> e : new TreeMap<>(r.get().data()).entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                rows.add(new String[] {e.getKey(), str(m.get("type")), str(m.get("accessor")), str(m.get("description"))});
            }
        }
        output().columns(rows);
        return ExitCodes.OK;
    }

    private static String str(Object o) {
        return o == null ? "n/a" : o.toString();
    }
}

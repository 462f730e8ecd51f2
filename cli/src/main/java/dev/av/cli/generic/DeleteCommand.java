package dev.av.cli.generic;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.KeyValueArgs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av delete PATH}: DELETE /v1/PATH. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete data at PATH.", "", "  av delete secret/data/app", "  av delete sys/policies/acl/dev"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:deleted (or nothing was there)", "1:usage error", "2:error or denied"})
public final class DeleteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PATH", description = "The path to delete.")
    String path;

    @Parameters(index = "1..*", paramLabel = "K=V", description = "Query parameters.")
    List<String> params = List.of();

    @Override
    protected String action() {
        return "deleting " + path;
    }

    @Override
    protected int execute() {
        Map<String, String> query = new LinkedHashMap<>();
        new KeyValueArgs(cli().in()).parse(params).forEach((k, v) -> query.put(k, String.valueOf(v)));
        ApiResponse r = client().send("DELETE", path, query, null, Map.of()).orThrow();
        return GenericOutput.written(this, r, "Success! Data deleted (if it existed) at: " + path);
    }
}

package dev.av.cli.generic;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.KeyValueArgs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av read PATH [k=v...]}: GET /v1/PATH (k=v become query parameters). */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = {"Read data from av at PATH and print it.", "",
            "  av read secret/data/app", "  av read -field=password secret/data/app",
            "  av read -format=json sys/mounts"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:read", "1:usage error", "2:error, denied or nothing found at PATH"})
public final class ReadCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PATH", description = "The path to read, e.g. secret/data/app.")
    String path;

    @Parameters(index = "1..*", paramLabel = "K=V", description = "Query parameters (e.g. version=2).")
    List<String> params = List.of();

    @Override
    protected String action() {
        return "reading " + path;
    }

    @Override
    protected int execute() {
        Map<String, String> query = new LinkedHashMap<>();
        new KeyValueArgs(cli().in()).parse(params).forEach((k, v) -> query.put(k, String.valueOf(v)));
        Optional<ApiResponse> r = client().read(path, query);
        if (r.isEmpty()) {
            err().println("No value found at " + path);
            return ExitCodes.SERVER;
        }
        return output().secret(r.get());
    }
}

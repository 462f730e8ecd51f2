package dev.av.cli.generic;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.KeyValueArgs;
import dev.av.cli.UsageException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av write PATH [k=v | k=@file | -]}: PUT /v1/PATH with the data as JSON. */
@Command(name = "write", mixinStandardHelpOptions = true,
        description = {"Write data to av at PATH.", "",
            "Data is given as key=value pairs; key=@file reads a value from a file, key=- from stdin,",
            "and a lone - reads a whole JSON object from stdin.", "",
            "  av write secret/data/app data=@app.json",
            "  echo '{\"data\":{\"password\":\"s3cr3t\"}}' | av write secret/data/app -",
            "  av write auth/token/create policies=dev ttl=1h"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:usage error", "2:error or denied"})
public final class WriteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PATH", description = "The path to write, e.g. sys/policies/acl/dev.")
    String path;

    @Parameters(index = "1..*", paramLabel = "K=V", description = "Data: key=value, key=@file, key=-, or - for JSON on stdin.")
    List<String> data = List.of();

    @Option(names = {"-force", "--force", "-f"}, description = "Write even with no data.")
    boolean force;

    @Override
    protected String action() {
        return "writing " + path;
    }

    @Override
    protected int execute() {
        Map<String, Object> body = new KeyValueArgs(cli().in()).parse(data);
        if (body.isEmpty() && !force) {
            throw new UsageException("Must supply data or use -force");
        }
        ApiResponse r = client().write(path, body);
        return GenericOutput.written(this, r, "Success! Data written to: " + path);
    }
}

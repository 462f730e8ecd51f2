package dev.av.cli.generic;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.KeyValueArgs;
import dev.av.cli.UsageException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av patch PATH k=v...}: PATCH /v1/PATH with a JSON merge patch. */
@Command(name = "patch", mixinStandardHelpOptions = true,
        description = {"Patch data at PATH (JSON merge patch: only the given keys change).", "",
            "  av patch secret/data/app data=@changes.json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:patched", "1:usage error", "2:error or denied"})
public final class PatchCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PATH", description = "The path to patch.")
    String path;

    @Parameters(index = "1..*", paramLabel = "K=V", description = "Data: key=value, key=@file, key=-, or - for JSON on stdin.")
    List<String> data = List.of();

    @Override
    protected String action() {
        return "writing " + path;
    }

    @Override
    protected int execute() {
        Map<String, Object> body = new KeyValueArgs(cli().in()).parse(data);
        if (body.isEmpty()) {
            throw new UsageException("Must supply data to patch");
        }
        ApiResponse r = client().patch(path, body);
        return GenericOutput.written(this, r, "Success! Data written to: " + path);
    }
}

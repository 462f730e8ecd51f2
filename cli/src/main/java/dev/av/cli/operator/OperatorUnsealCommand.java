package dev.av.cli.operator;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av operator unseal [KEY]}: unseals with the key from the argument, stdin, a file or the environment. */
@Command(name = "unseal", mixinStandardHelpOptions = true,
        description = {"Unseal the server.", "",
            "The key comes from KEY, or - (stdin), or -key-file=FILE, or $AV_UNSEAL_KEY, or a hidden prompt."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:unsealed", "1:usage error", "2:refused (wrong key) or error"})
public final class OperatorUnsealCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "The unseal key (or - for stdin).")
    String key;

    @Option(names = {"-key-file", "--key-file"}, paramLabel = "FILE", description = "Read the unseal key from FILE.")
    Path keyFile;

    @Override
    protected String action() {
        return "unsealing";
    }

    @Override
    protected int execute() {
        String k = UnsealKeys.resolve(cli(), key, keyFile, "AV_UNSEAL_KEY", "Unseal Key (will be hidden): ");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", k);
        ApiResponse r = client().send("PUT", "sys/unseal", Map.of(), body, Map.of()).orThrow();
        Map<String, Object> s = r.data() != null ? r.data() : r.envelope();
        int code = output().values(field == null && outputFormat() == dev.av.cli.output.Format.TABLE
                ? dev.av.cli.status.StatusCommand.rows(s) : s);
        return code == ExitCodes.OK && Boolean.TRUE.equals(s.get("sealed")) ? ExitCodes.SERVER : code;
    }
}

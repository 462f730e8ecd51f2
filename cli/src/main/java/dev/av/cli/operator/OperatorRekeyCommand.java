package dev.av.cli.operator;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.output.Format;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code av operator rekey}: re-wraps the data key under a new unseal key (or a new passphrase);
 * the data itself is not re-encrypted.
 */
@Command(name = "rekey", mixinStandardHelpOptions = true,
        description = {"Replace the unseal key: the data key is re-wrapped, nothing else changes.", "",
            "The current key comes from -key-file, $AV_UNSEAL_KEY, stdin or a prompt.",
            "With -new-passphrase-file (or $AV_NEW_PASSPHRASE) the new key is that passphrase; else a new key is generated."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:rekeyed", "1:usage error", "2:refused (wrong key) or error"})
public final class OperatorRekeyCommand extends ClientCommand {

    @Option(names = {"-key-file", "--key-file"}, paramLabel = "FILE", description = "Read the current unseal key from FILE.")
    Path keyFile;

    @Option(names = {"-new-passphrase-file", "--new-passphrase-file"}, paramLabel = "FILE",
            description = "Read the new passphrase (12+ characters) from FILE.")
    Path newPassphraseFile;

    @Override
    protected String action() {
        return "rekeying";
    }

    @Override
    protected int execute() throws java.io.IOException {
        String current = UnsealKeys.resolve(cli(), null, keyFile, "AV_UNSEAL_KEY", "Current Unseal Key (will be hidden): ");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", current);
        String np = null;
        if (newPassphraseFile != null) {
            np = UnsealKeys.resolve(cli(), null, newPassphraseFile, "AV_NEW_PASSPHRASE", "");
        } else if (cli().env("AV_NEW_PASSPHRASE") != null) {
            np = cli().env("AV_NEW_PASSPHRASE");
        }
        if (np != null) {
            body.put("passphrase", np);
        }
        ApiResponse r = client().send("PUT", "sys/rekey", Map.of(), body, Map.of()).orThrow();
        Map<String, Object> data = r.data() != null ? r.data() : r.envelope();
        if (outputFormat() != Format.TABLE || field != null) {
            return output().values(data);
        }
        Object key = data.get("keys") instanceof java.util.List<?> l && !l.isEmpty() ? l.get(0) : data.get("key");
        if (key != null) {
            out().println("New Unseal Key: " + key);
            out().println();
            out().println("Success! The data key is now wrapped by the new unseal key. The old key no longer works.");
        } else {
            out().println("Success! The data key is now wrapped by your new passphrase. The old key no longer works.");
        }
        return ExitCodes.OK;
    }
}

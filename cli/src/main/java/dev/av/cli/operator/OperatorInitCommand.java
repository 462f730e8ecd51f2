package dev.av.cli.operator;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.output.Format;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code av operator init}: creates the data key; prints the unseal key (once) and the root token. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Initialize a new av server: create the data key, print the unseal key and the initial root token.",
            "", "The unseal key is shown once and never stored by av: keep it safe.",
            "With -passphrase-stdin (or $AV_INIT_PASSPHRASE) your passphrase (12+ characters) becomes the unseal key."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:initialized", "1:usage error", "2:error (e.g. already initialized)"})
public final class OperatorInitCommand extends ClientCommand {

    @Option(names = {"-passphrase-stdin", "--passphrase-stdin"},
            description = "Read a passphrase from stdin to use instead of a generated unseal key.")
    boolean passphraseStdin;

    @Override
    protected String action() {
        return "initializing";
    }

    @Override
    protected int execute() {
        Map<String, Object> body = new LinkedHashMap<>();
        String pass = null;
        if (passphraseStdin) {
            pass = UnsealKeys.resolve(cli(), "-", null, "AV_INIT_PASSPHRASE", "Passphrase: ");
        } else if (cli().env("AV_INIT_PASSPHRASE") != null) {
            pass = cli().env("AV_INIT_PASSPHRASE");
        }
        if (pass != null) {
            body.put("passphrase", pass);
        }
        ApiResponse r = client().send("PUT", "sys/init", Map.of(), body, Map.of()).orThrow();
        Map<String, Object> env = r.envelope();
        Map<String, Object> data = r.data() != null ? r.data() : env;
        String key = firstKey(data);
        Object root = data.get("root_token");
        if (outputFormat() != Format.TABLE || field != null) {
            return output().values(data);
        }
        if (key != null) {
            out().println("Unseal Key: " + key);
        } else {
            out().println("Unseal Key: (your passphrase)");
        }
        out().println();
        out().println("Initial Root Token: " + (root == null ? "" : root));
        out().println();
        out().println("av initialized. The unseal key is shown only now and is never stored: keep it safe.");
        out().println("After a restart, unseal with:  av operator unseal   (or AV_UNSEAL_KEY / -key-file)");
        return ExitCodes.OK;
    }

    private static String firstKey(Map<String, Object> data) {
        for (String k : List.of("unseal_key", "key")) {
            if (data.get(k) instanceof String s) {
                return s;
            }
        }
        if (data.get("keys") instanceof List<?> l && !l.isEmpty()) {
            return String.valueOf(l.get(0));
        }
        return null;
    }
}

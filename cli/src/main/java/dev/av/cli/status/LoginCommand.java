package dev.av.cli.status;

import dev.av.api.ApiResponse;
import dev.av.api.TokenHelper;
import dev.av.cli.ClientCommand;
import dev.av.cli.UsageException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code av login [TOKEN]}: checks the token (auth/token/lookup-self) and stores it in the token
 * helper file ({@code ~/.av-token}, mode 0600) so later commands use it.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Authenticate with a token and store it in the token helper file (~/.av-token, mode 0600).", "",
            "With no TOKEN (or -), the token is read from stdin, or asked for without echo on a terminal.", "",
            "  av login avs.XXXXXXXX", "  echo \"$TOKEN\" | av login -"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:logged in", "1:usage error", "2:the token was refused"})
public final class LoginCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TOKEN", description = "The token (or - for stdin).")
    String token;

    @Option(names = {"-no-store", "--no-store"}, description = "Check the token but do not store it.")
    boolean noStore;

    @Option(names = {"-method", "--method"}, defaultValue = "token", description = "Auth method (only token).")
    String method;

    @Override
    protected String action() {
        return "logging in";
    }

    @Override
    protected int execute() throws IOException {
        if (!method.equals("token")) {
            throw new UsageException("Error: unsupported auth method \"" + method + "\" (only token)");
        }
        String t = token;
        if (t == null || t.equals("-")) {
            t = readToken(t == null);
        }
        t = t.strip();
        if (t.isEmpty()) {
            throw new UsageException("Error: no token given");
        }
        ApiResponse r = client().withToken(t).send("GET", "auth/token/lookup-self", Map.of(), null, Map.of()).orThrow();
        Map<String, Object> data = r.data() == null ? Map.of() : r.data();
        if (!noStore) {
            TokenHelper.forEnvironment(cli().env(), cli().home()).store(t);
        }
        if (cli().env("AV_TOKEN") != null) {
            err().println("WARNING! AV_TOKEN is set in the environment and takes precedence over the stored token.");
        }
        if (field == null && outputFormat() == dev.av.cli.output.Format.TABLE) {
            if (noStore) {
                out().println("Success! You are now authenticated. The token was not stored (-no-store):");
                out().println("set AV_TOKEN to use it.");
            } else {
                out().println("Success! You are now authenticated. The token information displayed below");
                out().println("is already stored in the token helper. You do NOT need to run \"av login\"");
                out().println("again. Future av requests will automatically use this token.");
            }
            out().println();
        }
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("client_token", t);
        auth.put("accessor", data.get("accessor"));
        auth.put("policies", data.get("policies"));
        auth.put("token_policies", data.get("policies"));
        auth.put("identity_policies", data.getOrDefault("identity_policies", List.of()));
        auth.put("metadata", data.get("meta"));
        auth.put("lease_duration", data.get("ttl"));
        auth.put("renewable", data.get("renewable"));
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("request_id", r.envelope().get("request_id"));
        env.put("lease_id", "");
        env.put("lease_duration", 0);
        env.put("renewable", false);
        env.put("data", null);
        env.put("warnings", r.envelope().get("warnings"));
        env.put("auth", auth);
        return output().secret(new ApiResponse(r.status(), Map.of(), env));
    }

    private String readToken(boolean mayPrompt) throws IOException {
        Console console = System.console();
        if (mayPrompt && cli().terminal() && console != null) {
            char[] chars = console.readPassword("Token (will be hidden): ");
            if (chars == null) {
                throw new UsageException("Error: no token given");
            }
            return new String(chars);
        }
        String line = new BufferedReader(new InputStreamReader(cli().in(), StandardCharsets.UTF_8)).readLine();
        return line == null ? "" : line;
    }
}

package dev.av.cli.token;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av token lookup [TOKEN]}: lookup-self, lookup, or lookup-accessor. */
@Command(name = "lookup", mixinStandardHelpOptions = true,
        description = {"Show a token's properties: the current token, TOKEN, or the token with accessor ACCESSOR (-accessor)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:found", "1:usage error", "2:error, denied or no such token"})
public final class TokenLookupCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TOKEN|ACCESSOR", description = "The token (default: the current one).")
    String token;

    @Option(names = {"-accessor", "--accessor"}, description = "Treat the argument as an accessor.")
    boolean accessor;

    @Override
    protected String action() {
        return "looking up token";
    }

    @Override
    protected int execute() {
        ApiResponse r;
        if (token == null) {
            if (accessor) {
                throw new dev.av.cli.UsageException("Error: -accessor needs an ACCESSOR argument");
            }
            r = client().send("GET", "auth/token/lookup-self", Map.of(), null, Map.of()).orThrow();
        } else if (accessor) {
            r = client().write("auth/token/lookup-accessor", Map.of("accessor", token));
        } else {
            r = client().write("auth/token/lookup", Map.of("token", token));
        }
        return output().secret(r);
    }
}

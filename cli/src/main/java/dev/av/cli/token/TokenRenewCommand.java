package dev.av.cli.token;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av token renew [TOKEN]}: renew-self, renew or renew-accessor. */
@Command(name = "renew", mixinStandardHelpOptions = true,
        description = {"Renew a token's lease: the current token, TOKEN, or the one with accessor ACCESSOR (-accessor)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:renewed", "1:usage error", "2:error, denied or not renewable"})
public final class TokenRenewCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TOKEN|ACCESSOR", description = "The token (default: the current one).")
    String token;

    @Option(names = {"-increment", "--increment", "-i"}, paramLabel = "DURATION",
            description = "Requested new TTL, e.g. 1h (the server caps it).")
    String increment;

    @Option(names = {"-accessor", "--accessor"}, description = "Treat the argument as an accessor.")
    boolean accessor;

    @Override
    protected String action() {
        return "renewing token";
    }

    @Override
    protected int execute() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (increment != null) {
            body.put("increment", increment);
        }
        String path = "auth/token/renew-self";
        if (token != null) {
            path = accessor ? "auth/token/renew-accessor" : "auth/token/renew";
            body.put(accessor ? "accessor" : "token", token);
        } else if (accessor) {
            throw new dev.av.cli.UsageException("Error: -accessor needs an ACCESSOR argument");
        }
        ApiResponse r = client().write(path, body);
        return output().secret(r);
    }
}

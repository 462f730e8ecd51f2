package dev.av.cli.proxy;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code av proxy ca}: prints the PEM bundle clients must trust (needs no token). */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = {"Print the proxy's CA bundle (PEM): the signing root and roots still in rotation overlap.",
            "With -format json: also the signing root alone and the proxy address."})
public final class ProxyCaCommand extends ClientCommand {

    @Override
    protected String action() {
        return "reading the proxy CA";
    }

    @Override
    protected int execute() {
        Optional<ApiResponse> r = client().read("proxy/ca");
        if (r.isEmpty()) {
            err().println("Error: this server has no proxy CA");
            return ExitCodes.SERVER;
        }
        if (format != null || field != null) {
            return output().secret(r.get());
        }
        out().print(r.get().data().get("ca_bundle"));
        return ExitCodes.OK;
    }
}

package dev.av.cli.proxy;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code av proxy env}: the environment {@code av run} gives its child, for programs av does not
 * launch (containers, CI). Creates a session token and writes the CA files under
 * {@code ~/.av/proxy/<accessor>/}; the session lives until its TTL ends or it is revoked.
 */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = {"Print the proxy environment (a new session token, HTTPS_PROXY, CA trust for every runtime).", "",
            "  eval \"$(av proxy env -agent my-agent -ttl 1h)\"",
            "  av proxy env -format=json"})
public final class ProxyEnvCommand extends ClientCommand {

    @Mixin
    SessionOptions session;

    @Override
    protected String action() {
        return "creating the proxy environment";
    }

    @Override
    protected void validate() {
        if (format != null && !format.equals("shell") && !format.equals("json")) {
            throw new UsageException("Error: -format must be shell or json, was \"" + format + "\"");
        }
        client();
    }

    @Override
    protected int execute() throws IOException {
        ProxySession s = session.create(client());
        Path dir = cli().home().resolve(".av").resolve("proxy").resolve(s.accessor());
        ProxyEnvironment.writeTrust(dir, s.caBundle());
        Map<String, String> env = session.environment(s, dir, cli(), client());
        if ("json".equals(format)) {
            out().println(dev.av.api.Json.write(env));
        } else {
            env.forEach((k, v) -> out().println("export " + k + "='" + v.replace("'", "'\\''") + "'"));
        }
        return ExitCodes.OK;
    }
}

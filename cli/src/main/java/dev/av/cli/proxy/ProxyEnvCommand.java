package dev.av.cli.proxy;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Option(names = {"-agent", "--agent"}, paramLabel = "NAME", description = "The agent the session acts as (default: the token's own agent).")
    String agent;

    @Option(names = {"-ttl", "--ttl"}, paramLabel = "DURATION", description = "Session lifetime (default 1h).")
    String ttl;

    @Option(names = {"-no-proxy", "--no-proxy"}, paramLabel = "HOSTS",
            description = "Hosts added to NO_PROXY (default: av's API host); the current NO_PROXY entries are kept.")
    String noProxy;

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
        ProxySession s = ProxySession.create(client(), agent, ttl == null ? "1h" : ttl);
        Path dir = cli().home().resolve(".av").resolve("proxy").resolve(s.accessor());
        ProxyEnvironment.writeTrust(dir, s.caBundle());
        Map<String, String> env = ProxyEnvironment.build(s.proxyAddress(), s.agent() == null ? "av" : s.agent(), s.token(), dir,
                cli().env("NO_PROXY"), noProxyHosts(noProxy, client()), cli().env("JAVA_TOOL_OPTIONS"));
        if ("json".equals(format)) {
            out().println(dev.av.api.Json.write(env));
        } else {
            env.forEach((k, v) -> out().println("export " + k + "='" + v.replace("'", "'\\''") + "'"));
        }
        return ExitCodes.OK;
    }

    static List<String> noProxyHosts(String flag, dev.av.api.AvClient client) {
        if (flag == null) {
            return ProxySession.apiHost(client);
        }
        List<String> out = new ArrayList<>();
        for (String s : flag.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }
}

package dev.av.cli.proxy;

import dev.av.api.AvClient;
import dev.av.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What {@code av run} and {@code av proxy env} share: the session's agent and lifetime, the hosts
 * that skip the proxy, and the environment built from them.
 */
final class SessionOptions {

    @Option(names = {"-agent", "--agent"}, paramLabel = "NAME", description = "The agent the session acts as (default: the token's own agent).")
    String agent;

    @Option(names = {"-ttl", "--ttl"}, paramLabel = "DURATION", description = "Session lifetime (default 1h).")
    String ttl;

    @Option(names = {"-no-proxy", "--no-proxy"}, paramLabel = "HOSTS",
            description = "Hosts added to NO_PROXY (default: av's API host); the current NO_PROXY entries are kept.")
    String noProxy;

    /** A new session token for the agent, with the requested lifetime. */
    ProxySession create(AvClient client) {
        return ProxySession.create(client, agent, ttl == null ? "1h" : ttl);
    }

    /** The proxy environment for {@code session}, whose CA files are in {@code dir}. */
    Map<String, String> environment(ProxySession session, Path dir, Cli cli, AvClient client) {
        return ProxyEnvironment.build(session.proxyAddress(), session.agent() == null ? "av" : session.agent(),
                session.token(), dir, cli.env("NO_PROXY"), noProxyHosts(client), cli.env("JAVA_TOOL_OPTIONS"));
    }

    private List<String> noProxyHosts(AvClient client) {
        if (noProxy == null) {
            return ProxySession.apiHost(client);
        }
        List<String> out = new ArrayList<>();
        for (String s : noProxy.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }
}

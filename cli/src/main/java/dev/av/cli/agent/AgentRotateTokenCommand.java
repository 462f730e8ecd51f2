package dev.av.cli.agent;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av agent rotate-token NAME [--overlap D]}: issues a new identity token (shown once). */
@Command(name = "rotate-token", mixinStandardHelpOptions = true,
        description = {"Issue the agent a new identity token (shown once).",
            "The previous token stops at once, or after --overlap."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:issued", "1:usage error", "2:error or denied"})
public final class AgentRotateTokenCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = {"-overlap", "--overlap"}, paramLabel = "DURATION",
            description = "How long the previous token keeps working, e.g. 5m (default: it stops at once).")
    String overlap;

    @Option(names = {"-ttl", "--ttl"}, paramLabel = "DURATION", description = "TTL of the new identity token.")
    String ttl;

    @Override
    protected String action() {
        return "rotating the token of agent " + name;
    }

    @Override
    protected int execute() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (overlap != null) {
            body.put("overlap", overlap);
        }
        if (ttl != null) {
            body.put("ttl", ttl);
        }
        ApiResponse r = client().write(AgentCommand.BASE + name + "/token", body);
        return output().secret(r);
    }
}

package dev.av.cli.policy;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.output.Format;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code av policy list}: one name per line. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the policies stored on the server.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:listed", "1:usage error", "2:refused by the server"})
public final class PolicyListCommand extends ClientCommand {

    @Option(names = {"-cedar", "--cedar"}, description = "List Cedar policy sets.")
    boolean cedar;

    @Override
    protected String action() {
        return "listing policies";
    }

    @Override
    protected int execute() {
        String base = cedar ? PolicyCommand.CEDAR_BASE : PolicyCommand.ACL_BASE;
        Optional<ApiResponse> r = client().list(base.substring(0, base.length() - 1));
        Map<String, Object> data = r.map(ApiResponse::data).orElse(Map.of());
        Object keys = data.getOrDefault("keys", List.of());
        if (outputFormat() != Format.TABLE) {
            return output().values(Map.of("keys", keys));
        }
        if (keys instanceof List<?> l) {
            for (Object k : l) {
                out().println(k);
            }
        }
        return ExitCodes.OK;
    }
}

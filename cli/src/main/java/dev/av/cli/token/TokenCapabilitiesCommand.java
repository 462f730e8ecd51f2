package dev.av.cli.token;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.output.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av token capabilities [TOKEN] PATH}: sys/capabilities-self or sys/capabilities. */
@Command(name = "capabilities", mixinStandardHelpOptions = true,
        description = {"Show what a token (default: the current one) may do on PATH, e.g. \"create, read, update\".", "",
            "  av token capabilities secret/data/app", "  av token capabilities TOKEN secret/data/app"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:usage error", "2:error or denied"})
public final class TokenCapabilitiesCommand extends ClientCommand {

    @Parameters(index = "0..1", arity = "1..2", paramLabel = "[TOKEN] PATH", description = "Optional token, then the path.")
    List<String> args = new ArrayList<>();

    @Override
    protected String action() {
        return "checking capabilities";
    }

    @Override
    protected int execute() {
        String path = args.get(args.size() - 1);
        ApiResponse r;
        if (args.size() == 1) {
            r = client().write("sys/capabilities-self", Map.of("paths", List.of(path)));
        } else {
            r = client().write("sys/capabilities", Map.of("token", args.get(0), "paths", List.of(path)));
        }
        Map<String, Object> data = r.data() != null ? r.data() : r.envelope();
        Object caps = data.get(path) != null ? data.get(path) : data.get("capabilities");
        List<String> list = new ArrayList<>();
        if (caps instanceof List<?> l) {
            l.forEach(c -> list.add(String.valueOf(c)));
        }
        list.sort(null);
        if (list.isEmpty()) {
            list.add("deny");
        }
        if (outputFormat() == Format.TABLE) {
            out().println(String.join(", ", list));
        } else if (outputFormat() == Format.JSON) {
            out().println(dev.av.api.Json.writePretty(list));
        } else {
            out().print(dev.av.cli.output.Yaml.write(list));
        }
        return ExitCodes.OK;
    }
}

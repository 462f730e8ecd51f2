package dev.av.cli.policy;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.output.Format;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av policy read NAME}: prints the policy text (or the response with -format=json). */
@Command(name = "read", mixinStandardHelpOptions = true, description = "Print a policy stored on the server.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:printed", "1:usage error", "2:not found or refused"})
public final class PolicyReadCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The policy name.")
    String name;

    @Option(names = {"-cedar", "--cedar"}, description = "Read a Cedar policy set.")
    boolean cedar;

    @Override
    protected String action() {
        return "reading policy";
    }

    @Override
    protected int execute() {
        Optional<ApiResponse> r = client().read((cedar ? PolicyCommand.CEDAR_BASE : PolicyCommand.ACL_BASE) + name);
        if (r.isEmpty()) {
            err().println("No policy named: " + name);
            return ExitCodes.SERVER;
        }
        Map<String, Object> data = r.get().data();
        if (outputFormat() != Format.TABLE || field != null) {
            return output().values(data);
        }
        Object text = data.get("policy");
        out().print(text == null ? "" : text);
        if (text != null && !text.toString().endsWith("\n")) {
            out().println();
        }
        return ExitCodes.OK;
    }
}

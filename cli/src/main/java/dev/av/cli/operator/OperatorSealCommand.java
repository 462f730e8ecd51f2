package dev.av.cli.operator;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code av operator seal}: seals the server (needs a root or sudo token). */
@Command(name = "seal", mixinStandardHelpOptions = true,
        description = {"Seal the server: it forgets the data key and answers 503 until unsealed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:sealed", "1:usage error", "2:error or denied"})
public final class OperatorSealCommand extends ClientCommand {

    @Override
    protected String action() {
        return "sealing";
    }

    @Override
    protected int execute() {
        client().send("PUT", "sys/seal", Map.of(), Map.of(), Map.of()).orThrow();
        out().println("Success! av is sealed.");
        return ExitCodes.OK;
    }
}

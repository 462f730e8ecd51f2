package dev.av.cli.policy;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av policy write NAME FILE|-}: PUT sys/policies/acl/NAME (or sys/policies/cedar/NAME with -cedar). */
@Command(name = "write", mixinStandardHelpOptions = true,
        description = "Upload a policy to the server from a file, or from standard input with \"-\".",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:written", "1:usage error or unreadable file", "2:refused by the server"})
public final class PolicyWriteCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The policy name.")
    String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "The policy file, or - for standard input.")
    String file;

    @Option(names = {"-cedar", "--cedar"}, description = "The policy is a Cedar policy set.")
    boolean cedar;

    @Override
    protected String action() {
        return "uploading policy";
    }

    @Override
    protected int execute() {
        String text = PolicyFiles.read(file, cli().in());
        client().write((cedar ? PolicyCommand.CEDAR_BASE : PolicyCommand.ACL_BASE) + name, Map.of("policy", text));
        out().println("Success! Uploaded policy: " + name);
        return ExitCodes.OK;
    }
}

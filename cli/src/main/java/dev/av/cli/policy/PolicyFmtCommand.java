package dev.av.cli.policy;

import dev.av.cli.BaseCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import dev.av.policy.acl.AclFormatter;
import dev.av.policy.acl.PolicyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av policy fmt FILE}: rewrites an HCL policy file in canonical form ("-": stdin to stdout). */
@Command(name = "fmt", mixinStandardHelpOptions = true,
        description = {"Format an HCL policy file in place (validating it first), like vault policy fmt.",
            "With \"-\" the policy is read from standard input and the formatted text written to standard output."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:formatted", "1:the policy is invalid or the file cannot be read"})
public final class PolicyFmtCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "The policy file, or - for standard input.")
    String file;

    @Override
    protected int execute() {
        String text = PolicyFiles.read(file, cli().in());
        String formatted;
        try {
            formatted = AclFormatter.format(text);
        } catch (PolicyException e) {
            throw new UsageException("Error formatting " + file + ": " + e.getMessage().strip());
        }
        if (file.equals("-")) {
            out().print(formatted);
            return ExitCodes.OK;
        }
        try {
            Files.writeString(Path.of(file), formatted, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("Error: cannot write " + file + ": " + e.getMessage());
        }
        out().println("Success! Formatted policy: " + file);
        return ExitCodes.OK;
    }
}

package dev.av.cli.policy;

import dev.av.cli.BaseCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import dev.av.policy.acl.AclPolicy;
import dev.av.policy.acl.PolicyException;
import dev.av.policy.cedar.CedarPolicyException;
import dev.av.policy.cedar.CedarPolicySet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av policy validate FILE...}: ACL files (HCL or JSON) and Cedar files ({@code .cedar}). */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Validate policy files: Vault ACL policies (HCL or JSON) and Cedar policies (*.cedar,",
            "checked against av's Cedar schema). Prints one line per file."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every file is valid", "1:a file is invalid or unreadable"})
public final class PolicyValidateCommand extends BaseCommand {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files (- for standard input, as an ACL policy).")
    List<String> files;

    @Override
    protected int execute() {
        boolean ok = true;
        for (String file : files) {
            String text;
            try {
                text = PolicyFiles.read(file, cli().in());
            } catch (UsageException e) {
                err().println(file + ": " + e.getMessage().replaceFirst("^Error: ", ""));
                ok = false;
                continue;
            }
            try {
                if (PolicyFiles.isCedar(file)) {
                    CedarPolicySet.check(PolicyFiles.nameOf(file), text);
                } else {
                    AclPolicy.parse(PolicyFiles.nameOf(file), text);
                }
                out().println(file + ": ok");
            } catch (PolicyException e) {
                err().println(file + ": " + oneLine(e.getMessage()));
                ok = false;
            } catch (CedarPolicyException e) {
                for (String m : e.errors()) {
                    err().println(file + ": " + m);
                }
                ok = false;
            }
        }
        return ok ? ExitCodes.OK : ExitCodes.USAGE;
    }

    /** Vault's multierror text spans lines; show it on one. */
    static String oneLine(String message) {
        return message.strip().replaceAll("\\n\\t\\* ", " ").replaceAll("\\s*\\n\\s*", " ");
    }
}

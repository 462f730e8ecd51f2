package dev.av.cli.token;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av token revoke [TOKEN]}: revoke (with its children), revoke-self, revoke-accessor, revoke-orphan. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke a token and all its children (and their leases).", "",
            "  av token revoke TOKEN", "  av token revoke -self", "  av token revoke -accessor ACCESSOR",
            "  av token revoke -mode=orphan TOKEN     # keep the children, as orphans (sudo)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:revoked (or did not exist)", "1:usage error", "2:error or denied"})
public final class TokenRevokeCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TOKEN|ACCESSOR", description = "The token to revoke.")
    String token;

    @Option(names = {"-self", "--self"}, description = "Revoke the current token.")
    boolean self;

    @Option(names = {"-accessor", "--accessor"}, description = "Treat the argument as an accessor.")
    boolean accessor;

    @Option(names = {"-mode", "--mode"}, paramLabel = "MODE", description = "orphan: revoke only this token, not its children.")
    String mode;

    @Override
    protected String action() {
        return "revoking token";
    }

    @Override
    protected int execute() {
        if (self == (token != null)) {
            throw new UsageException("Error: give either TOKEN (or ACCESSOR with -accessor) or -self");
        }
        if (mode != null && !mode.equals("orphan")) {
            throw new UsageException("Error: unknown -mode \"" + mode + "\" (only orphan)");
        }
        if (self) {
            client().write("auth/token/revoke-self", Map.of());
        } else if (accessor) {
            client().write("auth/token/revoke-accessor", Map.of("accessor", token));
        } else if (mode != null) {
            client().write("auth/token/revoke-orphan", Map.of("token", token));
        } else {
            client().write("auth/token/revoke", Map.of("token", token));
        }
        out().println("Success! Revoked token (if it existed)");
        return ExitCodes.OK;
    }
}

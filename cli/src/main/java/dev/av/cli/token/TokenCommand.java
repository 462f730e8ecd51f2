package dev.av.cli.token;

import picocli.CommandLine.Command;

/** {@code av token ...}: create, look up, renew, revoke tokens; check capabilities. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Create, look up, renew and revoke tokens; show a token's capabilities on a path.",
        subcommands = {TokenCreateCommand.class, TokenLookupCommand.class, TokenRenewCommand.class,
            TokenRevokeCommand.class, TokenCapabilitiesCommand.class})
public final class TokenCommand {
}

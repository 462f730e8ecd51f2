package dev.av.cli.secrets;

import picocli.CommandLine.Command;

/** {@code av lease ...}: look up, renew and revoke leases of dynamic secrets. */
@Command(name = "lease", mixinStandardHelpOptions = true,
        description = "Look up, renew and revoke leases of dynamic secrets.",
        subcommands = {LeaseLookupCommand.class, LeaseRenewCommand.class, LeaseRevokeCommand.class})
public final class LeaseCommand {
}

package dev.av.cli.secrets;

import picocli.CommandLine.Command;

/** {@code av secrets ...}: enable, list and disable secret engines (mounts). */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Enable, list and disable secret engines: kv, database, vault, env.",
        subcommands = {SecretsEnableCommand.class, SecretsListCommand.class, SecretsDisableCommand.class})
public final class SecretsCommand {
}

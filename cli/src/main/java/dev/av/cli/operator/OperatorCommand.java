package dev.av.cli.operator;

import picocli.CommandLine.Command;

/** {@code av operator ...}: initialise, unseal, seal and rekey the server. */
@Command(name = "operator", mixinStandardHelpOptions = true,
        description = "Operate the server: init, unseal, seal, rekey.",
        subcommands = {OperatorInitCommand.class, OperatorUnsealCommand.class, OperatorSealCommand.class,
            OperatorRekeyCommand.class})
public final class OperatorCommand {
}

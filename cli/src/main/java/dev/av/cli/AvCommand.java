package dev.av.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command {@code av}; its subcommands come from {@link Commands}. */
@Command(name = "av", mixinStandardHelpOptions = true, versionProvider = AvCommand.Version.class,
        description = {"av: a credential and authorization layer for AI agents, with a Vault-style API and CLI.", "",
            "Common: av server -dev | av status | av login | av read/write/list/delete/patch PATH | av token ...",
            "Environment: AV_ADDR (default http://127.0.0.1:14321), AV_TOKEN (else ~/.av-token), AV_FORMAT."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:usage error or local error (bad argument, unreadable file)",
            "2:the server refused (error, permission denied, not found, sealed) or could not be reached"},
        subcommandsRepeatable = false)
public final class AvCommand implements Runnable {

    private final Cli cli;

    @Spec
    CommandSpec spec;

    public AvCommand(Cli cli) {
        this.cli = cli;
    }

    public Cli cli() {
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(cli.err());
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a command");
    }

    /** The version from the jar manifest (or "dev"). */
    public static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AvCommand.class.getPackage().getImplementationVersion();
            return new String[] {"av " + (v == null ? "0.1.0-dev" : v)};
        }
    }
}

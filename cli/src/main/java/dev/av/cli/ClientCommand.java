package dev.av.cli;

import dev.av.api.AvClient;
import dev.av.api.ClientConfig;
import dev.av.cli.output.Format;
import dev.av.cli.output.Output;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * A command that talks to av's API: Vault's common flags ({@code -address}, {@code -format},
 * {@code -field}, TLS) and a ready {@link AvClient} built from them and the environment.
 */
public abstract class ClientCommand extends BaseCommand {

    @Option(names = {"-address", "--address"}, paramLabel = "ADDR",
            description = "Address of the av server (default: $AV_ADDR, else http://127.0.0.1:14321).")
    protected String address;

    @Option(names = {"-format", "--format"}, paramLabel = "FORMAT",
            description = "Output format: table, json or yaml (default: $AV_FORMAT, else table).")
    protected String format;

    @Option(names = {"-field", "--field"}, paramLabel = "NAME",
            description = "Print only this field's value, raw (for scripts).")
    protected String field;

    @Option(names = {"-ca-cert", "--ca-cert"}, paramLabel = "FILE",
            description = "PEM file of CA certificates to verify an https server (default: $AV_CACERT).")
    protected Path caCert;

    @Option(names = {"-tls-skip-verify", "--tls-skip-verify"},
            description = "Do not verify the server's TLS certificate (insecure; default: $AV_SKIP_VERIFY).")
    protected boolean tlsSkipVerify;

    private AvClient client;

    /** The client: flags over environment ({@code AV_ADDR}, {@code AV_TOKEN}, the token helper file). */
    protected AvClient client() {
        if (client == null) {
            ClientConfig env = ClientConfig.fromEnvironment(cli().env(), cli().home());
            ClientConfig c = new ClientConfig(address != null ? address : env.address(), env.token(),
                    caCert != null ? caCert : env.caCert(), tlsSkipVerify || env.skipVerify(), env.timeout());
            try {
                client = new AvClient(c);
            } catch (IllegalArgumentException e) {
                throw new UsageException("Error: " + e.getMessage());
            }
        }
        return client;
    }

    @Override
    protected void validate() {
        outputFormat();
        client();
    }

    protected Format outputFormat() {
        return Format.parse(format != null ? format : cli().env("AV_FORMAT"));
    }

    public Output output() {
        return new Output(out(), err(), outputFormat(), field, cli().terminal());
    }
}

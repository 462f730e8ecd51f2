package dev.av.cli.proxy;

import picocli.CommandLine.Command;

/** {@code av proxy ...}: services, the CA and the environment for the credential-injecting proxy. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Configure av's credential-injecting HTTPS proxy.", "",
            "  av proxy service write github host=api.github.com credential=secret/data/github#token",
            "  av proxy service list",
            "  av proxy ca > av-ca.pem",
            "  eval \"$(av proxy env -agent my-agent)\""},
        subcommands = {ProxyServiceCommand.class, ProxyCaCommand.class, ProxyEnvCommand.class})
public final class ProxyCommand {
}

package dev.av.cli;

import dev.av.cli.generic.DeleteCommand;
import dev.av.cli.generic.ListCommand;
import dev.av.cli.generic.PatchCommand;
import dev.av.cli.generic.ReadCommand;
import dev.av.cli.generic.WriteCommand;
import dev.av.cli.operator.OperatorCommand;
import dev.av.cli.server.ServerCommand;
import dev.av.cli.status.LoginCommand;
import dev.av.cli.status.StatusCommand;
import dev.av.cli.token.TokenCommand;
import java.util.List;

/**
 * The one place where {@code av}'s top-level commands are registered. To add {@code av <area>}:
 * write a picocli {@code @Command(name = "<area>", ...)} class (subcommands as its own
 * {@code subcommands = {...}}) and add one line to {@link #TOP_LEVEL}. Order here is the order in
 * {@code av --help}.
 *
 * <p>Only the command that is actually invoked gets its picocli model built (see {@link Main}), so
 * a long list costs nothing at start-up.
 */
public final class Commands {

    public static final List<Class<?>> TOP_LEVEL = List.of(
            ServerCommand.class,
            StatusCommand.class,
            OperatorCommand.class,
            LoginCommand.class,
            ReadCommand.class,
            WriteCommand.class,
            ListCommand.class,
            DeleteCommand.class,
            PatchCommand.class,
            TokenCommand.class,
            dev.av.cli.kv.KvCommand.class,
            dev.av.cli.agent.AgentCommand.class,
            dev.av.cli.secrets.SecretsCommand.class,
            dev.av.cli.secrets.LeaseCommand.class,
            dev.av.cli.audit.AuditCommand.class,
            dev.av.cli.policy.PolicyCommand.class,
            dev.av.cli.proxy.ProxyCommand.class,
            dev.av.cli.proxy.RunCommand.class,
            // one line per area, e.g.: dev.av.cli.policy.PolicyCommand.class,
            CompletionCommand.class);

    private Commands() {
    }
}

package dev.av.cli.agent;

import picocli.CommandLine.Command;

/** {@code av agent ...}: sugar over {@code agent-registry/agents/NAME}; {@code av write agent-registry/...} keeps working. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Register and manage agents (sugar over agent-registry/agents/NAME).", "",
            "  av agent create my-ai-agent --type autonomous --policy agent-code-review --delegate alice --max-ttl 10m",
            "  av agent list",
            "  av agent rotate-token my-ai-agent --overlap 5m"},
        subcommands = {AgentCreateCommand.class, AgentListCommand.class, AgentReadCommand.class,
            AgentUpdateCommand.class, AgentDisableCommand.class, AgentEnableCommand.class, AgentDeleteCommand.class,
            AgentRotateTokenCommand.class})
public final class AgentCommand {

    static final String BASE = "agent-registry/agents/";
}

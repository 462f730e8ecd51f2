package dev.av.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av completion bash}: prints a completion script for bash (and zsh via bashcompinit). */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.", "",
            "  source <(av completion bash)        # bash, this shell",
            "  av completion bash > /etc/bash_completion.d/av",
            "  autoload -U +X bashcompinit && bashcompinit && source <(av completion zsh)   # zsh"})
public final class CompletionCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "SHELL", defaultValue = "bash", description = "bash or zsh (default bash).")
    String shell;

    @Override
    protected int execute() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new UsageException("Error: unsupported shell \"" + shell + "\" (use bash or zsh)");
        }
        out().print(AutoComplete.bash("av", Main.commandLine(cli(), null)));
        return ExitCodes.OK;
    }
}

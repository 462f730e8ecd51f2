package dev.av.cli.kv;

import dev.av.cli.ClientCommand;
import picocli.CommandLine.Option;

/** An {@code av kv} subcommand: the client flags plus {@code -mount}. */
abstract class KvClientCommand extends ClientCommand {

    @Option(names = {"-mount", "--mount"}, paramLabel = "MOUNT",
            description = "The KV v2 mount; then PATH is the key alone (default: PATH's first segment).")
    String mount;

    KvPath kvPath(String arg) {
        return KvPath.of(mount, arg);
    }
}

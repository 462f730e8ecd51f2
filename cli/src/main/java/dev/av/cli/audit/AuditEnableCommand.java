package dev.av.cli.audit;

import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.KeyValueArgs;
import dev.av.cli.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av audit enable [-path=NAME] TYPE [k=v ...]}: PUT sys/audit/NAME. */
@Command(name = "enable", mixinStandardHelpOptions = true,
        description = {"Enable an audit device of TYPE (file, socket, syslog, webhook) with k=v options.", "",
            "  av audit enable file file_path=/var/log/av/audit.log",
            "  av audit enable -path=denials file file_path=/var/log/av/denials.log filter='decision == deny'",
            "  av audit enable webhook url=https://hooks.example.com/av authorization_header=@token.txt events=alert alert_denials=5 alert_window=1m"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:enabled", "1:usage error", "2:refused by the server"})
public final class AuditEnableCommand extends ClientCommand {

    @Option(names = {"-path", "--path"}, paramLabel = "NAME", description = "Name of the device (default: TYPE).")
    String path;

    @Option(names = {"-description", "--description"}, paramLabel = "TEXT", description = "A human-friendly description.")
    String description;

    @Option(names = {"-local", "--local"}, description = "Accepted for Vault compatibility (no replication in av).")
    boolean local;

    @Parameters(index = "0", paramLabel = "TYPE", description = "file, socket, syslog or webhook.")
    String type;

    @Parameters(index = "1..*", paramLabel = "K=V", description = "Device options.")
    List<String> options = new ArrayList<>();

    @Override
    protected String action() {
        return "enabling audit device";
    }

    @Override
    protected int execute() {
        String name = path == null ? type : path;
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new UsageException("Error: -path must not be empty");
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        new KeyValueArgs(cli().in()).parse(options).forEach((k, v) -> opts.put(k, String.valueOf(v)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("description", description == null ? "" : description);
        body.put("options", opts);
        body.put("local", local);
        client().write(AuditCommand.BASE + name, body);
        out().println("Success! Enabled the " + type + " audit device at: " + name + "/");
        return ExitCodes.OK;
    }
}

package dev.av.cli.audit;

import dev.av.api.ApiResponse;
import dev.av.api.Json;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code av audit tail [-f] [-agent NAME] [-decision deny]}: prints recent audit entries (HMAC'd as a
 * device writes them), one JSON object per line; {@code -f} then keeps following the server-sent
 * events of {@code sys/audit-tail/stream} ({@code -poll} long-polls {@code sys/audit-tail} instead,
 * e.g. through a proxy that buffers event streams).
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print recent audit entries as JSON lines; -f follows the stream live.", "",
            "  av audit tail -f -agent ci-bot -decision deny"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:usage error", "2:refused by the server"})
public final class AuditTailCommand extends ClientCommand {

    @Option(names = {"-f", "-follow", "--follow"}, description = "Keep following new entries.")
    boolean follow;

    @Option(names = {"-agent", "--agent"}, paramLabel = "NAME", description = "Only entries of this agent.")
    String agent;

    @Option(names = {"-decision", "--decision"}, paramLabel = "allow|deny", description = "Only allowed or denied requests.")
    String decision;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", description = "How many recent entries to start with (default 10).")
    int lines = 10;

    @Option(names = {"-poll", "--poll"}, description = "With -f: long-poll instead of server-sent events.")
    boolean longPoll;

    @Option(names = {"-max-entries"}, hidden = true, description = "With -f: stop after this many streamed entries (tests).")
    long maxEntries = Long.MAX_VALUE;

    @Option(names = {"-poll-wait"}, hidden = true, description = "How long one poll waits for new entries.")
    String pollWait = "20s";

    @Option(names = {"-max-polls"}, hidden = true, description = "Stop after this many polls (tests).")
    int maxPolls = Integer.MAX_VALUE;

    @Override
    protected String action() {
        return "following the audit stream";
    }

    @Override
    protected void validate() {
        super.validate();
        if (decision != null && !decision.equals("allow") && !decision.equals("deny")) {
            throw new UsageException("Error: -decision must be allow or deny");
        }
        if (lines < 0) {
            throw new UsageException("Error: -n must not be negative");
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected int execute() {
        long after = -1;
        for (int poll = 0; poll < maxPolls; poll++) {
            Map<String, String> q = new LinkedHashMap<>();
            if (after >= 0) {
                q.put("after", Long.toString(after));
                q.put("wait", follow ? pollWait : "0s");
            } else {
                q.put("last", Integer.toString(lines));
            }
            if (agent != null) {
                q.put("agent", agent);
            }
            if (decision != null) {
                q.put("decision", decision);
            }
            ApiResponse r = client().read("sys/audit-tail", q).orElseThrow();
            Map<String, Object> data = r.data() == null ? Map.of() : r.data();
            if (data.get("entries") instanceof List<?> entries) {
                for (Object e : entries) {
                    out().println(Json.write(e));
                }
            }
            out().flush();
            if (data.get("next") instanceof Number n) {
                after = n.longValue();
            }
            if (!follow) {
                break;
            }
            if (!longPoll) {
                return stream();
            }
        }
        return ExitCodes.OK;
    }

    /** Follows the server-sent events until the server ends the stream (or -max-entries). */
    private int stream() {
        Map<String, String> q = new LinkedHashMap<>();
        if (agent != null) {
            q.put("agent", agent);
        }
        if (decision != null) {
            q.put("decision", decision);
        }
        long[] seen = {0};
        client().follow("sys/audit-tail/stream", q, json -> {
            out().println(json);
            out().flush();
            return ++seen[0] < maxEntries;
        }).ifPresent(ApiResponse::orThrow);
        return ExitCodes.OK;
    }
}

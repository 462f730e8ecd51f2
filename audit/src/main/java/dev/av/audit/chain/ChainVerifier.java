package dev.av.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Checks an audit file and its rotated predecessors ({@code NAME.1}, {@code NAME-20260101},
 * {@code NAME.2.gz} ...) as one hash chain and reports the first broken link.
 *
 * <p>What is detected: an edited line (the next line's {@code prev} no longer matches), a deleted,
 * inserted or moved line (seq gap or prev mismatch), a checkpoint whose signature does not verify
 * or that was signed by another key, a torn line, a chain that does not start at seq 1, a new chain
 * that starts without the previous one having been closed by a final checkpoint, and a tail of
 * entries that no checkpoint covers although it is older than the device's checkpoint interval
 * allows (see below). Pass the device's public key so that a rewrite with a new key is caught too.
 *
 * <h2>A live file: the unsigned tail</h2>
 * A device that is still writing has, at any moment, up to {@code checkpoint_entries} lines after
 * its last checkpoint, and never for longer than {@code checkpoint_interval}: its writer signs a
 * checkpoint as soon as the interval passed since the previous one with lines after it. Such a
 * tail is chained (an edit, deletion or reordering inside it still breaks a link) but not signed,
 * so the report says "intact through checkpoint K, N later entries chained, not yet signed" and
 * counts as intact, as long as the last checkpoint (its {@code time}; without any, the first
 * entry's) is younger than the interval plus {@link #GRACE} at the time of the check. Older, the
 * checkpoint that should follow is missing:
 * the tail was cut (truncation back into the signed part removes checkpoints and leaves an old
 * tail), or the device stopped without its final checkpoint (a crash; the restarted device signs
 * the tail when it continues the chain). What cannot be detected from the file alone: removing
 * entries of the unsigned tail, or the whole tail plus the checkpoints after an earlier one, within
 * that window; only the last checkpoint known elsewhere (another device, {@code av audit list
 * -detailed}) tells.
 */
public final class ChainVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Added to the checkpoint interval before an unsigned tail counts as too old (clock steps, slow writes). */
    public static final Duration GRACE = Duration.ofSeconds(30);

    /** The default {@code checkpoint_interval} of a device. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(60);

    /**
     * The outcome. {@code brokenLink} is null when the chain is intact; then {@code unsignedEntries}
     * entries after the checkpoint at {@code lastCheckpointSeq} (0: none yet) are chained but not yet
     * signed, the oldest from {@code oldestUnsigned}.
     */
    public record Report(boolean ok, List<Path> files, long entries, long checkpoints, String brokenLink,
                         String publicKey, long lastCheckpointSeq, long unsignedEntries, Instant oldestUnsigned) {
    }

    private ChainVerifier() {
    }

    /** Verifies {@code file} together with its rotated predecessors found next to it, now, for the default interval. */
    public static Report verify(Path file, PublicKey trusted) throws IOException {
        return verifyFiles(withPredecessors(file), trusted);
    }

    /** As {@link #verify(Path, PublicKey)}, judging an unsigned tail at {@code now} against the device's interval. */
    public static Report verify(Path file, PublicKey trusted, Instant now, Duration checkpointInterval)
            throws IOException {
        return verifyFiles(withPredecessors(file), trusted, now, checkpointInterval);
    }

    /** The file and its rotated predecessors, oldest first. */
    public static List<Path> withPredecessors(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        String name = abs.getFileName().toString();
        List<Path> older = new ArrayList<>();
        Path dir = abs.getParent();
        if (dir != null) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> {
                    String n = p.getFileName().toString();
                    return !n.equals(name) && (n.startsWith(name + ".") || n.startsWith(name + "-"))
                            && Files.isRegularFile(p) && !n.endsWith(".tmp");
                }).forEach(older::add);
            }
        }
        List<Keyed> keyed = new ArrayList<>();
        for (Path p : older) {
            keyed.add(new Keyed(p, firstTime(p)));
        }
        keyed.sort(Comparator.comparing(Keyed::time).thenComparing(k -> k.path().toString()));
        List<Path> out = new ArrayList<>();
        keyed.forEach(k -> out.add(k.path()));
        out.add(abs);
        return out;
    }

    private record Keyed(Path path, String time) {
    }

    private static String firstTime(Path p) {
        try (InputStream in = open(p)) {
            byte[] line = new Lines(in).next();
            if (line == null) {
                return "";
            }
            String text = new String(line, StandardCharsets.UTF_8);
            JsonNode n = JSON.readTree(text.substring(Math.max(0, text.indexOf('{'))));
            return n.path("time").asText("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static InputStream open(Path p) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        return p.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }

    /** Reads lines without their newline and remembers whether the last one had none (torn). */
    private static final class Lines {
        private final InputStream in;
        boolean torn;

        Lines(InputStream in) {
            this.in = in;
        }

        byte[] next() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
            int b;
            boolean any = false;
            while ((b = in.read()) != -1) {
                any = true;
                if (b == '\n') {
                    return buf.toByteArray();
                }
                buf.write(b);
            }
            if (!any) {
                return null;
            }
            torn = true;
            return buf.toByteArray();
        }
    }

    /** Verifies the given files, oldest first, as one chain, now, for the default interval. */
    public static Report verifyFiles(List<Path> files, PublicKey trusted) throws IOException {
        return verifyFiles(files, trusted, Instant.now(), DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** Verifies the given files, oldest first, as one chain; see the class comment for the unsigned tail. */
    public static Report verifyFiles(List<Path> files, PublicKey trusted, Instant now, Duration checkpointInterval)
            throws IOException {
        State st = new State(trusted);
        for (Path f : files) {
            try (InputStream in = open(f)) {
                long lineNo = 0;
                byte[] line;
                Lines lines = new Lines(in);
                while ((line = lines.next()) != null) {
                    lineNo++;
                    String where = f.getFileName() + ":" + lineNo;
                    if (lines.torn) {
                        return st.broken(files, where + ": the last line is incomplete (file truncated or torn write;"
                                + " if the device was writing at that moment, verify again)");
                    }
                    String problem = st.accept(line);
                    if (problem != null) {
                        return st.broken(files, where + ": " + problem);
                    }
                }
            }
        }
        if (st.lines > 0 && st.sinceCheckpoint > 0) {
            Instant since = st.checkpoints > 0 ? st.lastCheckpointTime : st.oldestUnsigned;
            if (since == null || now.isAfter(since.plus(checkpointInterval).plus(GRACE))) {
                return st.broken(files, "end of " + files.get(files.size() - 1).getFileName() + ": " + st.sinceCheckpoint
                        + " entries after " + (st.checkpoints > 0 ? "the last checkpoint (seq " + st.lastCheckpointSeq
                        + ", " + since + ")" : "the start of the chain (" + since + ")") + " are not signed, although"
                        + " the device signs within its checkpoint interval (" + checkpointInterval.toSeconds()
                        + "s, + " + GRACE.toSeconds() + "s grace): entries were truncated, or the device stopped"
                        + " without its final checkpoint");
            }
        }
        return new Report(true, files, st.entries, st.checkpoints, null, st.keyText, st.lastCheckpointSeq,
                st.sinceCheckpoint, st.sinceCheckpoint > 0 ? st.oldestUnsigned : null);
    }

    private static final class State {
        final PublicKey trusted;
        PublicKey key;
        String keyText;
        String device;
        long lines;
        long entries;
        long checkpoints;
        long seq;
        String prevHash;
        boolean lastWasFinal;
        long sinceCheckpoint;
        long lastCheckpointSeq;

        State(PublicKey trusted) {
            this.trusted = trusted;
            this.key = trusted;
            this.keyText = trusted == null ? null : ChainFormat.encodePublicKey(trusted);
        }

        Instant oldestUnsigned;
        Instant lastCheckpointTime;

        Report broken(List<Path> files, String why) {
            return new Report(false, files, entries, checkpoints, why, keyText, lastCheckpointSeq, sinceCheckpoint,
                    oldestUnsigned);
        }

        String accept(byte[] line) {
            String text = new String(line, StandardCharsets.UTF_8);
            int brace = text.indexOf('{');
            JsonNode node;
            try {
                node = brace < 0 ? null : JSON.readTree(text.substring(brace));
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                return "not a JSON entry (edited or torn)";
            }
            JsonNode chain = node.get("chain");
            if (chain == null || !chain.path("seq").canConvertToLong() || !chain.path("prev").isTextual()) {
                return "the entry has no chain fields";
            }
            long s = chain.get("seq").asLong();
            String prev = chain.get("prev").asText();
            if (lines == 0) {
                if (s != 1 || !prev.equals(ChainFormat.GENESIS)) {
                    return "the chain starts at seq " + s + ", not 1: earlier entries are missing";
                }
            } else if (s == 1 && prev.equals(ChainFormat.GENESIS)) {
                if (!lastWasFinal) {
                    return "a new chain starts although the previous one (up to seq " + seq
                            + ") was not closed by a final checkpoint: entries after it may be missing";
                }
            } else if (s != seq + 1) {
                return "seq " + s + " follows seq " + seq + ": entries were deleted, inserted or reordered";
            } else if (!prev.equals(prevHash)) {
                return "does not link to the line before it (seq " + seq + "): that line was edited, or lines were"
                        + " removed or reordered";
            }
            lines++;
            seq = s;
            prevHash = ChainFormat.lineHash(line);
            lastWasFinal = false;
            if ("checkpoint".equals(node.path("type").asText())) {
                String problem = checkpoint(node.path("checkpoint"), s, prev);
                if (problem != null) {
                    return problem;
                }
                checkpoints++;
                sinceCheckpoint = 0;
                lastCheckpointSeq = s;
                lastCheckpointTime = parseTime(node.path("time").asText(""));
            } else {
                entries++;
                if (sinceCheckpoint++ == 0) {
                    oldestUnsigned = parseTime(node.path("time").asText(""));
                }
            }
            return null;
        }

        private static Instant parseTime(String text) {
            try {
                return Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }

        private String checkpoint(JsonNode cp, long s, String prev) {
            String dev = cp.path("device").asText("");
            boolean fin = cp.path("final").asBoolean(false);
            String pk = cp.path("public_key").asText("");
            if (device != null && !device.equals(dev)) {
                return "checkpoint of device \"" + dev + "\" inside the chain of device \"" + device + "\"";
            }
            device = dev;
            PublicKey k;
            try {
                k = ChainFormat.decodePublicKey(pk);
            } catch (IllegalArgumentException e) {
                return "checkpoint with an unreadable public key";
            }
            if (key == null) {
                key = k;
                keyText = pk;
            } else if (!java.util.Arrays.equals(key.getEncoded(), k.getEncoded())) {
                return trusted != null ? "checkpoint signed by a key other than the trusted one"
                        : "checkpoint signed by a different key than the earlier checkpoints";
            }
            if (!ChainFormat.verify(key, ChainFormat.checkpointMessage(dev, s, prev, fin), cp.path("signature").asText(""))) {
                return "checkpoint signature does not verify";
            }
            lastWasFinal = fin;
            return null;
        }
    }
}

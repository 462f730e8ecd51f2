package dev.av.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.av.audit.chain.ChainFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One device's writer thread: group commit, hash chain and signed checkpoints.
 *
 * <p>Request threads format their entry (HMAC'ing in parallel) and enqueue its bytes; this thread
 * drains whatever has queued up, links every line into the chain, adds a checkpoint after every
 * {@code checkpointEvery} lines, hands the whole batch to the {@link Sink} in one durable write
 * (one fsync for the batch) and only then completes the callers' futures. Under load a batch holds
 * many entries, so the fsync cost is shared; that is what makes durable auditing fast.
 *
 * <p>The chain state (seq, hash of the last line) advances only when the sink succeeded: a failed
 * batch fails all its callers and leaves the chain as it was, so the next line still links to
 * the last line that really is at the destination. A checkpoint is also written when
 * {@code checkpointInterval} passed since the last one with lines after it, before a reopen (so a
 * rotated file ends signed) and, marked final, on close.
 */
final class DeviceWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DeviceWriter.class.getName());
    private static final int MAX_BATCH = 8192;

    private sealed interface Job permits Line, Reopen, Stop {
    }

    private record Line(byte[] body, CompletableFuture<Void> done) implements Job {
    }

    private record Reopen(CompletableFuture<Void> done) implements Job {
    }

    private record Stop(CompletableFuture<Void> done) implements Job {
    }

    private final String device;
    private final String prefix;
    private final Sink sink;
    private final KeyPair signingKey;
    private final String publicKey;
    private final int checkpointEvery;
    private final Duration checkpointInterval;
    private final InstantSource clock;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    // Owned by the writer thread.
    private final java.security.MessageDigest sha = ChainFormat.newSha256();
    private long seq;
    private String prev = ChainFormat.GENESIS;
    private int sinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();
    private volatile boolean closed;
    private volatile String lastCheckpoint = "";

    DeviceWriter(String device, String prefix, Sink sink, KeyPair signingKey, int checkpointEvery,
                 Duration checkpointInterval, InstantSource clock) {
        this.device = device;
        this.prefix = prefix;
        this.sink = sink;
        this.signingKey = signingKey;
        this.publicKey = ChainFormat.encodePublicKey(signingKey.getPublic());
        this.checkpointEvery = Math.max(1, checkpointEvery);
        this.checkpointInterval = checkpointInterval;
        this.clock = clock;
        resumeChain();
        this.thread = Thread.ofPlatform().daemon().name("audit-writer-" + device).start(this::run);
    }

    /** Enqueues one entry; the future completes once it is durable, or fails. */
    CompletableFuture<Void> submit(byte[] body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("audit device " + device + " is closed"));
            return done;
        }
        queue.add(new Line(body, done));
        return done;
    }

    CompletableFuture<Void> reopen() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Reopen(done));
        return done;
    }

    long written() {
        return written.get();
    }

    long failed() {
        return failed.get();
    }

    long batches() {
        return batches.get();
    }

    String lastCheckpoint() {
        return lastCheckpoint;
    }

    String publicKey() {
        return publicKey;
    }

    private void resumeChain() {
        try {
            byte[] last = sink.lastLine();
            if (last == null) {
                return;
            }
            String text = new String(last, StandardCharsets.UTF_8);
            int brace = text.indexOf('{');
            JsonNode chain = brace < 0 ? null : EntryFormatter.JSON.readTree(text.substring(brace)).get("chain");
            if (chain != null && chain.has("seq")) {
                seq = chain.get("seq").asLong();
                prev = ChainFormat.lineHash(last);
                // Sign promptly after a restart: an unsigned tail left by a crash at once (the idle
                // loop sees it due), and the first new entries in their first batch, so that the
                // file's last checkpoint is never older than the interval while lines follow it.
                lastCheckpointNanos = System.nanoTime() - checkpointInterval.toNanos();
                if (!"checkpoint".equals(EntryFormatter.JSON.readTree(text.substring(brace)).path("type").asText())) {
                    sinceCheckpoint = 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            // A torn last line (crash) cannot be continued; a new chain starts and verify reports the tear.
            LOG.log(System.Logger.Level.WARNING, "audit device " + device
                    + ": cannot continue the chain of " + sink.describe() + "; starting a new chain");
        }
    }

    private void run() {
        List<Job> jobs = new ArrayList<>();
        while (true) {
            Job first;
            try {
                first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (first == null) {
                if (sinceCheckpoint > 0 && intervalElapsed()) {
                    writeCheckpointOnly(false);
                }
                continue;
            }
            jobs.clear();
            jobs.add(first);
            queue.drainTo(jobs, MAX_BATCH - 1);
            List<Line> lines = new ArrayList<>(jobs.size());
            for (Job job : jobs) {
                switch (job) {
                    case Line l -> lines.add(l);
                    case Reopen r -> {
                        flush(lines);
                        lines.clear();
                        doReopen(r.done());
                    }
                    case Stop s -> {
                        flush(lines);
                        lines.clear();
                        doStop(s.done());
                        failRemaining();
                        return;
                    }
                }
            }
            flush(lines);
        }
    }

    private long pollMillis() {
        if (sinceCheckpoint == 0) {
            return 1000;
        }
        long left = checkpointInterval.toMillis() - (System.nanoTime() - lastCheckpointNanos) / 1_000_000;
        return Math.max(1, Math.min(1000, left));
    }

    private boolean intervalElapsed() {
        return System.nanoTime() - lastCheckpointNanos >= checkpointInterval.toNanos();
    }

    private void flush(List<Line> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long s = seq;
        String p = prev;
        int since = sinceCheckpoint;
        List<byte[]> out = new ArrayList<>(batch.size() + 2);
        boolean checkpointed = false;
        boolean timeDue = intervalElapsed();
        for (Line l : batch) {
            byte[] line = ChainFormat.link(prefix, l.body(), ++s, p);
            out.add(line);
            p = ChainFormat.lineHash(sha, line);
            if (++since >= checkpointEvery || timeDue) {
                timeDue = false;
                byte[] cp = checkpoint(++s, p, false);
                out.add(cp);
                p = ChainFormat.lineHash(sha, cp);
                since = 0;
                checkpointed = true;
            }
        }
        try {
            sink.write(out);
        } catch (IOException | RuntimeException e) {
            failed.addAndGet(batch.size());
            LOG.log(System.Logger.Level.ERROR, "audit device " + device + " could not record " + batch.size()
                    + " entries to " + sink.describe() + ": " + e.getMessage());
            IOException failure = new IOException("audit device " + device + " could not record the entry", e);
            batch.forEach(l -> l.done().completeExceptionally(failure));
            return;
        }
        seq = s;
        prev = p;
        sinceCheckpoint = since;
        if (checkpointed) {
            lastCheckpointNanos = System.nanoTime();
            lastCheckpoint = "seq " + lastCheckpointSeq(s, since);
        }
        written.addAndGet(batch.size());
        batches.incrementAndGet();
        batch.forEach(l -> l.done().complete(null));
    }

    private static long lastCheckpointSeq(long s, int since) {
        return s - since;
    }

    private byte[] checkpoint(long atSeq, String prevHash, boolean fin) {
        String signature = ChainFormat.sign(signingKey.getPrivate(),
                ChainFormat.checkpointMessage(device, atSeq, prevHash, fin));
        var node = EntryFormatter.JSON.createObjectNode();
        node.put("time", clock.instant().toString());
        node.put("type", "checkpoint");
        var cp = node.putObject("checkpoint");
        cp.put("device", device);
        cp.put("final", fin);
        cp.put("public_key", publicKey);
        cp.put("signature", signature);
        try {
            return ChainFormat.link(prefix, EntryFormatter.JSON.writeValueAsBytes(node), atSeq, prevHash);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean writeCheckpointOnly(boolean fin) {
        byte[] cp = checkpoint(seq + 1, prev, fin);
        try {
            sink.write(List.of(cp));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "audit device " + device + " could not write a checkpoint to "
                    + sink.describe() + ": " + e.getMessage());
            return false;
        }
        seq++;
        prev = ChainFormat.lineHash(cp);
        sinceCheckpoint = 0;
        lastCheckpointNanos = System.nanoTime();
        lastCheckpoint = "seq " + seq;
        return true;
    }

    private void doReopen(CompletableFuture<Void> done) {
        if (sinceCheckpoint > 0) {
            writeCheckpointOnly(false);
        }
        try {
            sink.reopen();
            done.complete(null);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "audit device " + device + " could not reopen " + sink.describe()
                    + ": " + e.getMessage());
            done.completeExceptionally(e);
        }
    }

    private void doStop(CompletableFuture<Void> done) {
        closed = true;
        writeCheckpointOnly(true);
        try {
            sink.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "audit device " + device + ": close failed: " + e.getMessage());
        }
        done.complete(null);
    }

    private void failRemaining() {
        Job j;
        while ((j = queue.poll()) != null) {
            IOException closedEx = new IOException("audit device " + device + " is closed");
            switch (j) {
                case Line l -> l.done().completeExceptionally(closedEx);
                case Reopen r -> r.done().completeExceptionally(closedEx);
                case Stop s -> s.done().complete(null);
            }
        }
    }

    /** Writes a final checkpoint and closes the sink; waits at most a few seconds. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Stop(done));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "audit device " + device + " did not close in time");
        }
        closed = true;
    }
}

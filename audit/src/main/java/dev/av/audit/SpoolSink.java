package dev.av.audit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink of a shipping device: a write is recorded once the {@link Spool} has it durably; a
 * shipper thread delivers the spool to the {@link Transport} in order, at least once, retrying with
 * a capped backoff while the receiver is away.
 */
final class SpoolSink implements Sink {

    private static final System.Logger LOG = System.getLogger(SpoolSink.class.getName());

    private final Spool spool;
    private final Transport transport;
    private final int batchSize;
    private final Thread shipper;
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean stopped;
    private volatile String lastError = "";

    SpoolSink(Spool spool, Transport transport, int batchSize, String device) {
        this.spool = spool;
        this.transport = transport;
        this.batchSize = batchSize;
        this.shipper = Thread.ofPlatform().daemon().name("audit-shipper-" + device).start(this::ship);
    }

    @Override
    public void write(List<byte[]> lines) throws IOException {
        spool.append(lines);
    }

    private void ship() {
        long backoff = 50;
        boolean failing = false;
        while (!stopped) {
            try {
                Spool.Batch batch = spool.next(batchSize, 500);
                if (batch.lines().isEmpty()) {
                    continue;
                }
                transport.send(batch.lines());
                spool.acknowledge(batch);
                delivered.addAndGet(batch.lines().size());
                if (failing) {
                    LOG.log(System.Logger.Level.INFO, "audit receiver " + transport.describe() + " is back");
                    failing = false;
                }
                backoff = 50;
            } catch (InterruptedException e) {
                // stop() interrupts; the loop condition decides
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                lastError = String.valueOf(e.getMessage());
                if (!failing) {
                    LOG.log(System.Logger.Level.WARNING, "audit receiver " + transport.describe()
                            + " is unavailable; entries wait in the spool: " + e.getMessage());
                    failing = true;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, Duration.ofSeconds(5).toMillis());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    long delivered() {
        return delivered.get();
    }

    long pendingBytes() {
        try {
            return spool.pendingBytes();
        } catch (IOException e) {
            return -1;
        }
    }

    boolean spoolFull() {
        return spool.isFull();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public String describe() {
        return transport.describe() + " (spooled)";
    }

    /** Stops shipping after a short grace to drain; what is left stays in the spool for the next start. */
    @Override
    public void close() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (spool.pendingBytes() > 0 && System.nanoTime() < deadline && lastError.isEmpty()) {
            sleep(20);
        }
        stopped = true;
        shipper.interrupt();
        try {
            shipper.join(5000);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        spool.close();
    }
}

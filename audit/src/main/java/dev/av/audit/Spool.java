package dev.av.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A durable local queue of lines for a device that ships elsewhere (socket, webhook).
 *
 * <p>On disk: {@code spool-<gen>.dat} (lines, appended and fsynced) and {@code cursor} ({@code gen
 * offset}: everything before the offset was delivered), replaced atomically by rename. Delivery is
 * at least once: the cursor moves only after the receiver took a batch, so after a crash the last
 * batch may be sent again. When everything was delivered, or the delivered part is large, the
 * undelivered tail is copied into generation gen+1 and the cursor switches to it in one rename, so
 * a crash at any point loses nothing.
 *
 * <p>The spool is bounded: an append that would push the undelivered bytes past {@code maxBytes}
 * fails with {@link SpoolFullException} (the device then counts as failed for that entry) and the
 * spool logs an error once per episode. Thread-safe: one appender and one shipper.
 */
final class Spool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Spool.class.getName());

    static final class SpoolFullException extends IOException {
        SpoolFullException(String message) {
            super(message);
        }
    }

    /** Lines read for delivery and the offset to acknowledge once they were delivered. */
    record Batch(List<byte[]> lines, long gen, long endOffset) {
    }

    private final Path dir;
    private final long maxBytes;
    private final String device;
    private long gen;
    private long cursor;
    private FileChannel data;
    private boolean full;

    Spool(Path dir, long maxBytes, String device) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.device = device;
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Path cursorFile = dir.resolve("cursor");
        if (Files.exists(cursorFile)) {
            String[] parts = Files.readString(cursorFile, StandardCharsets.US_ASCII).trim().split(" ");
            gen = Long.parseLong(parts[0]);
            cursor = Long.parseLong(parts[1]);
        }
        // Generations other than the current one are leftovers of an interrupted compaction.
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("spool-") && n.endsWith(".dat") && !n.equals(dataName(gen))) {
                    Files.deleteIfExists(p);
                }
            }
        }
        data = FileChannel.open(dir.resolve(dataName(gen)), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long size = data.size();
        long end = lastNewline(data, size);
        if (end < size) {
            data.truncate(end); // a torn append from a crash was never acknowledged to anyone
        }
        if (cursor > end) {
            cursor = end;
        }
    }

    private static String dataName(long gen) {
        return "spool-" + gen + ".dat";
    }

    private static long lastNewline(FileChannel ch, long size) throws IOException {
        long pos = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (pos > 0) {
            one.clear();
            ch.read(one, pos - 1);
            if (one.get(0) == '\n') {
                return pos;
            }
            pos--;
        }
        return 0;
    }

    /** Appends lines durably (fsync), or throws without having appended any. */
    synchronized void append(List<byte[]> lines) throws IOException {
        long add = 0;
        for (byte[] l : lines) {
            add += l.length + 1;
        }
        long size = data.size();
        if (size - cursor + add > maxBytes) {
            if (!full) {
                full = true;
                LOG.log(System.Logger.Level.ERROR, "AUDIT SPOOL FULL: device " + device + " holds "
                        + (size - cursor) + " undelivered bytes (limit " + maxBytes
                        + "); entries are refused until the receiver takes them");
            }
            throw new SpoolFullException("the spool of audit device " + device + " is full (" + maxBytes
                    + " bytes undelivered)");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) add);
        for (byte[] l : lines) {
            buf.put(l).put((byte) '\n');
        }
        buf.flip();
        try {
            long at = size;
            while (buf.hasRemaining()) {
                at += data.write(buf, at);
            }
            data.force(false);
        } catch (IOException e) {
            data.truncate(size);
            throw e;
        }
        notifyAll();
    }

    /** Waits up to {@code waitMillis} for undelivered lines and returns up to {@code max} of them. */
    synchronized Batch next(int max, long waitMillis) throws IOException, InterruptedException {
        long size = data.size();
        if (size <= cursor && waitMillis > 0) {
            wait(waitMillis);
            size = data.size();
        }
        List<byte[]> lines = new ArrayList<>();
        long pos = cursor;
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        long readAt = pos;
        outer:
        while (readAt < size && lines.size() < max) {
            buf.clear();
            int n = data.read(buf, readAt);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                byte b = buf.get();
                readAt++;
                if (b == '\n') {
                    lines.add(current.toByteArray());
                    current.reset();
                    pos = readAt;
                    if (lines.size() >= max) {
                        break outer;
                    }
                } else {
                    current.write(b);
                }
            }
        }
        return new Batch(lines, gen, pos);
    }

    /** Marks everything before the batch's end as delivered (durably) and compacts when worthwhile. */
    synchronized void acknowledge(Batch batch) throws IOException {
        if (batch.gen() != gen || batch.endOffset() <= cursor) {
            return;
        }
        cursor = batch.endOffset();
        long size = data.size();
        if (cursor == size || cursor > maxBytes / 2) {
            compact(size);
        } else {
            writeCursor(gen, cursor);
        }
        if (full && size - cursor < maxBytes / 2) {
            full = false;
            LOG.log(System.Logger.Level.WARNING, "audit spool of device " + device + " is accepting entries again");
        }
    }

    private void compact(long size) throws IOException {
        long next = gen + 1;
        Path nextPath = dir.resolve(dataName(next));
        FileChannel fresh = FileChannel.open(nextPath, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        long copied = 0;
        while (copied < size - cursor) {
            copied += data.transferTo(cursor + copied, size - cursor - copied, fresh.position(copied));
        }
        fresh.force(true);
        writeCursor(next, 0);
        Path old = dir.resolve(dataName(gen));
        data.close();
        Files.deleteIfExists(old);
        data = fresh;
        gen = next;
        cursor = 0;
    }

    private void writeCursor(long g, long offset) throws IOException {
        Path tmp = dir.resolve("cursor.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap((g + " " + offset + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve("cursor"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    synchronized long pendingBytes() throws IOException {
        return data.size() - cursor;
    }

    synchronized boolean isFull() {
        return full;
    }

    synchronized void wakeUp() {
        notifyAll();
    }

    @Override
    public synchronized void close() throws IOException {
        data.close();
        notifyAll();
    }
}

package dev.av.audit;

import java.io.IOException;
import java.util.List;

/**
 * Where a device's lines end up. Called only from the device's writer thread, so implementations
 * need not be thread-safe unless they say otherwise.
 */
interface Sink extends AutoCloseable {

    /**
     * Writes the lines (each without its newline) and returns only once they are durable as far as
     * this sink can make them (fsync for files and spools). On an exception nothing of the batch may
     * be counted as written; a file sink cuts any partial write off again.
     */
    void write(List<byte[]> lines) throws IOException;

    /** Reopens the destination (log rotation); the default does nothing. */
    default void reopen() throws IOException {
    }

    /** The last complete line already at the destination, to continue its chain; null when none. */
    default byte[] lastLine() throws IOException {
        return null;
    }

    /** A short, secret-free description, e.g. the file path. */
    String describe();

    @Override
    void close() throws IOException;
}

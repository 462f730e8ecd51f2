package dev.av.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** {@code file_path=stdout}: lines to standard output, flushed per batch. {@code discard} drops them. */
final class StreamSink implements Sink {

    private final OutputStream out;
    private final String name;

    StreamSink(OutputStream out, String name) {
        this.out = out;
        this.name = name;
    }

    static StreamSink discard() {
        return new StreamSink(OutputStream.nullOutputStream(), "discard");
    }

    @Override
    public void write(List<byte[]> lines) throws IOException {
        synchronized (out) {
            for (byte[] l : lines) {
                out.write(l);
                out.write('\n');
            }
            out.flush();
        }
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}

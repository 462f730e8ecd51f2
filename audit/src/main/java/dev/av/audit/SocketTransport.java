package dev.av.audit;

import dev.av.core.AvException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * The {@code socket} device's TCP transport: newline-separated entries, each write bounded by
 * {@code write_timeout}. TCP has no application acknowledgement, so after writing a batch the
 * transport waits briefly and checks that the receiver did not close or reset the connection;
 * a batch is reported delivered only then. A receiver killed before reading can still lose what
 * the kernel took; everything written while it is down is kept in the spool.
 */
final class SocketTransport implements Transport {

    private static final long CONFIRM_MILLIS = 20;

    private final InetSocketAddress address;
    private final String text;
    private final Duration writeTimeout;
    private SocketChannel channel;
    private Selector selector;

    SocketTransport(String address, Duration writeTimeout) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw AvException.badRequest("invalid socket address \"" + address + "\": host:port expected");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw AvException.badRequest("invalid socket address \"" + address + "\": host:port expected");
        }
        if (port < 1 || port > 65535) {
            throw AvException.badRequest("invalid socket address \"" + address + "\": port out of range");
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        this.address = InetSocketAddress.createUnresolved(host, port);
        this.text = address;
        this.writeTimeout = writeTimeout;
    }

    @Override
    public void send(List<byte[]> lines) throws IOException {
        try {
            ensureConnected();
            int size = 0;
            for (byte[] l : lines) {
                size += l.length + 1;
            }
            ByteBuffer buf = ByteBuffer.allocate(size);
            for (byte[] l : lines) {
                buf.put(l).put((byte) '\n');
            }
            buf.flip();
            long deadline = System.nanoTime() + writeTimeout.toNanos();
            SelectionKey key = channel.keyFor(selector);
            while (buf.hasRemaining()) {
                channel.write(buf);
                if (buf.hasRemaining()) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new IOException("write to " + text + " timed out after " + writeTimeout.toMillis() + " ms");
                    }
                    key.interestOps(SelectionKey.OP_WRITE);
                    selector.select(left);
                    selector.selectedKeys().clear();
                }
            }
            confirmAlive();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void ensureConnected() throws IOException {
        if (channel != null && channel.isOpen()) {
            return;
        }
        InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
        SocketChannel ch = SocketChannel.open();
        try {
            ch.socket().connect(resolved, (int) Math.max(1, writeTimeout.toMillis()));
            ch.configureBlocking(false);
            selector = Selector.open();
            ch.register(selector, 0);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        channel = ch;
    }

    /** A receiver that went away shows up as EOF or a reset on read; anything it sends us is ignored. */
    private void confirmAlive() throws IOException {
        try {
            Thread.sleep(CONFIRM_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ByteBuffer sink = ByteBuffer.allocate(512);
        int n;
        while ((n = channel.read(sink)) > 0) {
            sink.clear();
        }
        if (n < 0) {
            throw new IOException("receiver " + text + " closed the connection");
        }
    }

    @Override
    public String describe() {
        return "tcp " + text;
    }

    @Override
    public void close() {
        try {
            if (selector != null) {
                selector.close();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        channel = null;
        selector = null;
    }
}

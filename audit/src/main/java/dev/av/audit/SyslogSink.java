package dev.av.audit;

import dev.av.core.AvException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code syslog} device: each line becomes one RFC 5424 message ({@code <PRI>1 TIME HOST TAG - - - line})
 * with severity info and the configured facility, sent over UDP ({@code udp://host:port}) or a Unix
 * stream socket ({@code unix:///path}, one message per newline-terminated line). UDP has no delivery
 * guarantee; a send that the kernel refuses fails the batch.
 */
final class SyslogSink implements Sink {

    static final Map<String, Integer> FACILITIES = Map.ofEntries(
            Map.entry("KERN", 0), Map.entry("USER", 1), Map.entry("MAIL", 2), Map.entry("DAEMON", 3),
            Map.entry("AUTH", 4), Map.entry("SYSLOG", 5), Map.entry("LPR", 6), Map.entry("NEWS", 7),
            Map.entry("UUCP", 8), Map.entry("CRON", 9), Map.entry("AUTHPRIV", 10), Map.entry("FTP", 11),
            Map.entry("LOCAL0", 16), Map.entry("LOCAL1", 17), Map.entry("LOCAL2", 18), Map.entry("LOCAL3", 19),
            Map.entry("LOCAL4", 20), Map.entry("LOCAL5", 21), Map.entry("LOCAL6", 22), Map.entry("LOCAL7", 23));

    private final String address;
    private final SocketAddress target;
    private final boolean unix;
    private final int facility;
    private final String tag;
    private final String host;
    private final InstantSource clock;
    private DatagramChannel udp;
    private SocketChannel stream;

    SyslogSink(String address, String facility, String tag, InstantSource clock) {
        this.address = address;
        Integer f = FACILITIES.get(facility.toUpperCase(Locale.ROOT));
        if (f == null) {
            throw AvException.badRequest("unknown syslog facility \"" + facility + "\"");
        }
        if (tag.isEmpty() || tag.length() > 48 || !tag.chars().allMatch(c -> c > 32 && c < 127)) {
            throw AvException.badRequest("invalid syslog tag: 1-48 printable characters without spaces");
        }
        this.facility = f;
        this.tag = tag;
        this.clock = clock;
        this.host = hostName();
        if (address.startsWith("unix://")) {
            this.unix = true;
            this.target = UnixDomainSocketAddress.of(address.substring("unix://".length()));
        } else if (address.startsWith("udp://")) {
            this.unix = false;
            URI uri = URI.create(address);
            if (uri.getHost() == null || uri.getPort() <= 0) {
                throw AvException.badRequest("invalid syslog address \"" + address + "\": udp://host:port expected");
            }
            this.target = new InetSocketAddress(uri.getHost(), uri.getPort());
        } else {
            throw AvException.badRequest("invalid syslog address \"" + address
                    + "\": udp://host:port or unix:///path expected");
        }
    }

    private static String hostName() {
        try {
            String h = java.net.InetAddress.getLocalHost().getHostName();
            return h.isEmpty() ? "-" : h.replace(' ', '_');
        } catch (IOException e) {
            return "-";
        }
    }

    @Override
    public void write(List<byte[]> lines) throws IOException {
        try {
            for (byte[] line : lines) {
                byte[] header = ("<" + (facility * 8 + 6) + ">1 " + clock.instant() + " " + host + " " + tag
                        + " - - - ").getBytes(StandardCharsets.UTF_8);
                if (unix) {
                    if (stream == null) {
                        stream = SocketChannel.open(StandardProtocolFamily.UNIX);
                        stream.connect(target);
                    }
                    ByteBuffer buf = ByteBuffer.allocate(header.length + line.length + 1).put(header).put(line)
                            .put((byte) '\n').flip();
                    while (buf.hasRemaining()) {
                        stream.write(buf);
                    }
                } else {
                    if (udp == null) {
                        udp = DatagramChannel.open();
                        udp.connect(target);
                    }
                    udp.write(ByteBuffer.allocate(header.length + line.length).put(header).put(line).flip());
                }
            }
        } catch (IOException e) {
            closeQuietly();
            throw e;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public String describe() {
        return "syslog " + address;
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
            udp = null;
        }
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }
}

package dev.av.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Decompresses a {@code gzip} or {@code deflate} response body piece by piece, so that the scrubber
 * sees the plain bytes of an upstream that compressed although av asked for identity encoding. One
 * per response, event-loop confined. Memory is bounded by one piece's expansion: each upstream
 * chunk is inflated and handed on before the next is read.
 */
final class BodyInflater implements AutoCloseable {

    private final EmbeddedChannel channel;

    private BodyInflater(ZlibWrapper wrapper) {
        this.channel = new EmbeddedChannel(ZlibCodecFactory.newZlibDecoder(wrapper));
    }

    /**
     * The inflater for a {@code Content-Encoding} value: {@code gzip}, {@code x-gzip} or
     * {@code deflate} (zlib-wrapped or raw, as browsers accept); null for anything else (br, zstd,
     * compress, several codings), which av cannot scan.
     */
    static BodyInflater forEncoding(String contentEncoding) {
        return switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip" -> new BodyInflater(ZlibWrapper.GZIP);
            case "deflate" -> new BodyInflater(ZlibWrapper.ZLIB_OR_NONE);
            default -> null;
        };
    }

    /** True when the value names no coding at all (absent, empty or {@code identity}). */
    static boolean isIdentity(String contentEncoding) {
        return contentEncoding == null || contentEncoding.isBlank() || contentEncoding.trim().equalsIgnoreCase("identity");
    }

    /**
     * Inflates one piece. The caller keeps its reference to {@code in} and releases it as usual (the
     * decoder may hold its own until the next piece).
     *
     * @throws io.netty.handler.codec.compression.DecompressionException when the body is not valid
     */
    byte[] feed(ByteBuf in) {
        channel.writeInbound(in.retainedDuplicate());
        return drain();
    }

    /** Inflates what is left at the end of the body. */
    byte[] finish() {
        channel.finish();
        return drain();
    }

    private byte[] drain() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b = channel.readInbound(); b != null; b = channel.readInbound()) {
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.writeBytes(bytes);
            } finally {
                b.release();
            }
        }
        channel.checkException();
        return out.toByteArray();
    }

    /** Releases what the decoder still holds; never throws (a failed body was reported by {@link #feed}). */
    @Override
    public void close() {
        try {
            channel.finishAndReleaseAll();
        } catch (RuntimeException alreadyReported) {
            channel.releaseInbound();
        }
    }
}

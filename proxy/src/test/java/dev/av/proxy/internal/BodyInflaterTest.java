package dev.av.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyInflaterTest {

    @Test
    void gzipSplitAnywhereInflatesToTheOriginal() throws Exception {
        byte[] plain = "hello, inflated world ".repeat(50).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(plain);
        }
        byte[] z = buf.toByteArray();
        try (BodyInflater in = BodyInflater.forEncoding(" GZip ")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < z.length; i += 7) {
                ByteBuf piece = Unpooled.wrappedBuffer(z, i, Math.min(7, z.length - i));
                out.writeBytes(in.feed(piece));
                piece.release();
            }
            out.writeBytes(in.finish());
            assertThat(out.toByteArray()).isEqualTo(plain);
        }
    }

    @Test
    void garbageThatClaimsToBeGzipFails() {
        try (BodyInflater in = BodyInflater.forEncoding("gzip")) {
            ByteBuf garbage = Unpooled.copiedBuffer("this is not gzip at all, but it claims to be", StandardCharsets.UTF_8);
            assertThatThrownBy(() -> in.feed(garbage)).isInstanceOf(RuntimeException.class);
            garbage.release();
        }
    }

    @Test
    void onlyGzipAndDeflateAreSupported() {
        assertThat(BodyInflater.forEncoding("br")).isNull();
        assertThat(BodyInflater.forEncoding("gzip, br")).isNull();
        assertThat(BodyInflater.isIdentity(null)).isTrue();
        assertThat(BodyInflater.isIdentity(" identity")).isTrue();
        assertThat(BodyInflater.isIdentity("deflate")).isFalse();
    }
}

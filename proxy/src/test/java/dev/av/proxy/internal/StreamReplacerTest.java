package dev.av.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class StreamReplacerTest {

    private static StreamReplacer scrubbing(String secret) {
        return new StreamReplacer(List.of(new StreamReplacer.Rule(secret.getBytes(StandardCharsets.UTF_8),
                "*".repeat(secret.length()).getBytes(StandardCharsets.UTF_8))));
    }

    private static String run(StreamReplacer r, String... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String c : chunks) {
            out.writeBytes(r.feed(c.getBytes(StandardCharsets.UTF_8)));
        }
        out.writeBytes(r.finish());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSecretSplitAcrossTwoChunksIsReplaced() {
        StreamReplacer r = scrubbing("s3cr3t-value");
        assertThat(run(r, "before s3cr", "3t-value after")).isEqualTo("before ************ after");
        assertThat(r.replacements()).isEqualTo(1);
    }

    @Test
    void onlyATailThatCouldStartTheSecretIsHeldBack() {
        StreamReplacer r = scrubbing("s3cr3t-value");
        assertThat(new String(r.feed("data: one\n\n".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).isEqualTo("data: one\n\n");
        assertThat(new String(r.feed("x s3c".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).isEqualTo("x ");
        assertThat(new String(r.finish(), StandardCharsets.UTF_8)).isEqualTo("s3c");
    }

    @Test
    void placeholdersMayBeReplacedByLongerValues() {
        StreamReplacer r = new StreamReplacer(List.of(new StreamReplacer.Rule("__T__".getBytes(), "a-much-longer-value".getBytes())));
        assertThat(run(r, "{\"t\":\"__", "T__\",\"u\":\"__T__\"}")).isEqualTo("{\"t\":\"a-much-longer-value\",\"u\":\"a-much-longer-value\"}");
    }

    @Test
    void randomChunkingGivesTheSameResultAsOneChunk() {
        String secret = "tok_ABCDEFGH12345678";
        String text = ("lorem " + secret + " ipsum tok_ABC " + secret + secret + " end ").repeat(20);
        String expected = text.replace(secret, "*".repeat(secret.length()));
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            StreamReplacer r = scrubbing(secret);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] all = text.getBytes(StandardCharsets.UTF_8);
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(30));
                out.writeBytes(r.feed(java.util.Arrays.copyOfRange(all, at, at + n)));
                at += n;
            }
            out.writeBytes(r.finish());
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }

    @Test
    void bufferChunksMixedWithByteChunksGiveTheSameResultAsOneChunk() {
        String secret = "tok_ABCDEFGH12345678";
        String text = ("lorem " + secret + " ipsum tok_ABC " + secret + secret + " end t").repeat(20);
        String expected = text.replace(secret, "*".repeat(secret.length()));
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            StreamReplacer r = scrubbing(secret);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] all = text.getBytes(StandardCharsets.UTF_8);
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(40));
                ByteBuf in = Unpooled.directBuffer(n + 8).writerIndex(3).readerIndex(3).writeBytes(all, at, n);
                ByteBuf got = r.feed(in);
                byte[] b = new byte[got.readableBytes()];
                got.readBytes(b);
                got.release();
                assertThat(in.refCnt()).as("the input is released with the output").isZero();
                out.writeBytes(b);
                at += n;
            }
            out.writeBytes(r.finish());
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
            assertThat(r.replacements()).isEqualTo(60);
        }
    }

    @Test
    void shortPatternsAreFoundInHeapDirectAndCompositeChunksAsInOneChunk() {
        // shortest pattern below SAMPLED_MIN_STRIDE: every byte is looked at
        sameAsOneChunk(List.of(rule("abca", '#'), rule("cabbage", '%'), rule("bacabacabbacbbbaaacc", '@')));
    }

    @Test
    void longPatternsAreFoundBySamplingInHeapDirectAndCompositeChunksAsInOneChunk() {
        // shortest pattern 8 long: every 8th byte is sampled and its candidates checked
        assertThat(StreamReplacer.SAMPLED_MIN_STRIDE).isEqualTo(8);
        sameAsOneChunk(List.of(rule("cabbagea", '#'), rule("abcabcabcabcab", '%'), rule("bacabacabbacbbbaaacc", '@')));
    }

    private static StreamReplacer.Rule rule(String from, char to) {
        return new StreamReplacer.Rule(from.getBytes(StandardCharsets.UTF_8), String.valueOf(to).repeat(from.length()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A small alphabet puts many bytes of each pattern at every looked-at position: the scan's
     * candidates are checked in all three buffer kinds, against the byte[] path fed in one piece.
     */
    private static void sameAsOneChunk(List<StreamReplacer.Rule> rules) {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            byte[] all = new byte[1 + random.nextInt(400)];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) "abcge ".charAt(random.nextInt(6));
            }
            for (int planted = random.nextInt(4); planted > 0; planted--) {
                // long patterns hardly ever occur by chance: some are written in at random places
                byte[] p = rules.get(random.nextInt(rules.size())).from();
                if (p.length <= all.length) {
                    System.arraycopy(p, 0, all, random.nextInt(all.length - p.length + 1), p.length);
                }
            }
            StreamReplacer whole = new StreamReplacer(rules);
            byte[] expected = concat(whole.feed(all), whole.finish());
            StreamReplacer r = new StreamReplacer(rules);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(90));
                ByteBuf in = switch (round % 3) {
                    case 0 -> Unpooled.buffer(n + 5).writerIndex(5).readerIndex(5).writeBytes(all, at, n);
                    case 1 -> Unpooled.directBuffer(n + 5).writerIndex(5).readerIndex(5).writeBytes(all, at, n);
                    default -> Unpooled.wrappedBuffer(Unpooled.copiedBuffer(all, at, n / 2),
                            Unpooled.directBuffer(n).writeBytes(all, at + n / 2, n - n / 2));
                };
                ByteBuf got = r.feed(in);
                byte[] b = new byte[got.readableBytes()];
                got.readBytes(b);
                got.release();
                out.writeBytes(b);
                at += n;
            }
            out.writeBytes(r.finish());
            assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8))
                    .as("round %d", round).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void aBufferWithoutAnyPatternIsForwardedWithoutCopying() {
        StreamReplacer r = scrubbing("s3cr3t-value");
        ByteBuf in = Unpooled.directBuffer(64).writeBytes("xxxxxxxxxxxxxxxxxxxxxx".getBytes(StandardCharsets.UTF_8));
        ByteBuf out = r.feed(in);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("xxxxxxxxxxxxxxxxxxxxxx");
        in.setByte(0, 'y');
        assertThat(out.getByte(0)).as("a view of the input, not a copy").isEqualTo((byte) 'y');
        out.release();
    }

    @Test
    void onlyValuesWithACharacterThatBeginsAPatternMayMatch() {
        StreamReplacer r = scrubbing("s3cr3t-value");
        assertThat(r.mayMatch("text/plain; charset=utf-8")).as("has an s").isTrue();
        assertThat(r.mayMatch("nginx/1.22.1")).isFalse();
        assertThat(r.mayMatch("caf\u00e9")).as("non-ASCII is always checked in full").isTrue();
    }
}

package dev.av.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Replaces byte patterns in a stream that arrives in chunks, also when a pattern is split across
 * chunks: after each chunk it holds back only the longest tail that could still start a pattern
 * (so an SSE event that ends a chunk is not delayed unless its tail looks like a secret's start).
 * Used to scrub echoed secrets from responses (replacement of equal length, so Content-Length
 * stays valid) and to swap placeholders in request bodies. Not thread-safe: one per stream.
 */
public final class StreamReplacer {

    /** {@code from} becomes {@code to}. */
    public record Rule(byte[] from, byte[] to) {
    }

    /**
     * Rules prepared once for many streams: the longest and shortest pattern and the tables of bytes
     * that begin one and that occur near the start of one. Immutable (the tables are never written
     * after {@link #of}); shared across threads.
     */
    public static final class Table {
        private final List<Rule> rules;
        private final int maxLen;
        /** Bytes that begin some pattern: any other byte can neither start a match nor a held-back tail. */
        private final boolean[] first = new boolean[256];
        /** The stride of {@link #containsMatch}: the shortest non-empty pattern's length, at most 64 (0: none). */
        private final int stride;
        /** Per byte: bit k is set when some pattern has that byte at offset k (k below {@link #stride}). */
        private final long[] offsetsOf = new long[256];

        private Table(List<Rule> rules) {
            this.rules = List.copyOf(rules);
            int max = 0;
            int min = Integer.MAX_VALUE;
            for (Rule r : this.rules) {
                max = Math.max(max, r.from().length);
                if (r.from().length > 0) {
                    first[r.from()[0] & 0xff] = true;
                    min = Math.min(min, r.from().length);
                }
            }
            this.maxLen = max;
            this.stride = min == Integer.MAX_VALUE ? 0 : Math.min(min, 64);
            for (Rule r : this.rules) {
                for (int k = 0; k < stride && k < r.from().length; k++) {
                    offsetsOf[r.from()[k] & 0xff] |= 1L << k;
                }
            }
        }

        public static Table of(List<Rule> rules) {
            return new Table(rules);
        }

        public List<Rule> rules() {
            return rules;
        }

        public boolean isEmpty() {
            return rules.isEmpty();
        }

        @Override
        public String toString() {
            return "StreamReplacer.Table[" + rules.size() + " rules]"; // never the patterns: they are secrets
        }
    }

    /** Shortest pattern for which {@link #containsMatch} samples rather than looks at every byte. */
    static final int SAMPLED_MIN_STRIDE = 8;

    private final List<Rule> rules;
    private final int maxLen;
    private final boolean[] first;
    private final int stride;
    private final long[] offsetsOf;
    private byte[] held = new byte[0];
    private int replaced;

    public StreamReplacer(List<Rule> rules) {
        this(Table.of(rules));
    }

    public StreamReplacer(Table table) {
        this.rules = table.rules;
        this.maxLen = table.maxLen;
        this.first = table.first;
        this.stride = table.stride;
        this.offsetsOf = table.offsetsOf;
    }

    /**
     * Whether {@code value} could contain a pattern: false when none of its characters begins one
     * (a cheap pre-check for header values, which are almost never echoes). Does not change state.
     */
    public boolean mayMatch(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x80 || first[c]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Feeds a chunk held in a buffer and returns what can be emitted now; takes ownership of
     * {@code in}. The common case, a chunk with no pattern in it, costs one scan and no copy: the
     * result is a slice of {@code in} (minus a tail that could begin a pattern, which is held back).
     */
    public ByteBuf feed(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (held.length == 0 && !containsMatch(in, start, end)) {
            int hold = partialTail(in, start, end);
            if (hold > 0) {
                held = new byte[hold];
                in.getBytes(end - hold, held);
            }
            return in.slice(start, end - start - hold);
        }
        byte[] bytes = new byte[end - start];
        in.getBytes(start, bytes);
        in.release();
        return Unpooled.wrappedBuffer(feed(bytes));
    }

    /**
     * Whether a whole pattern lies in {@code in[start, end)}. Looks at every {@link #stride}-th byte
     * only: a pattern at least {@code stride} long that starts at {@code s} covers {@code stride}
     * consecutive positions, exactly one of which is sampled, say at {@code s + k}; the byte there is
     * then the pattern's k-th, so {@code offsetsOf[byte]} has bit k set and {@code s} is checked in full.
     * A body without secret-looking bytes costs {@code length / stride} table lookups. Patterns
     * shorter than {@link #SAMPLED_MIN_STRIDE} are looked for byte by byte instead (JMH,
     * {@code ScrubBenchmark}, 64 KiB JSON-like body: 4-byte secret 16 us either way, 14 bytes
     * 25 -> 7 us, 40 bytes 19 -> 3 us).
     */
    private boolean containsMatch(ByteBuf in, int start, int end) {
        if (stride == 0 || end - start < stride) {
            return false;
        }
        // Plain loops over the bytes, not ByteBuf.forEachByte with a processor: that call site also
        // sees the HTTP codec's processors, and once the JIT finds it megamorphic every byte costs a
        // virtual call (measured: 64 KiB responses took twice the CPU per request). A buffer of several
        // parts (rare here: the decoders merge what they accumulate) is read through a merged copy.
        java.nio.ByteBuffer b = in.hasArray() ? java.nio.ByteBuffer.wrap(in.array(), in.arrayOffset() + start, end - start)
                : in.nioBuffer(start, end - start);
        // positions relative to start from here: b's index of in[start + i] is base + i
        int base = b.position();
        int n = end - start;
        if (stride < SAMPLED_MIN_STRIDE) {
            // sampling gains little for short patterns and most samples would turn up candidates
            for (int i = 0; i < n; i++) {
                if (first[b.get(base + i) & 0xff] && matchAt(in, start + i, end)) {
                    return true;
                }
            }
            return false;
        }
        for (int p = stride - 1; p < n; p += stride) {
            for (long o = offsetsOf[b.get(base + p) & 0xff]; o != 0; o &= o - 1) {
                int s = p - Long.numberOfTrailingZeros(o);
                if (s >= 0 && first[b.get(base + s) & 0xff] && matchAt(in, start + s, end)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean matchAt(ByteBuf in, int at, int end) {
        for (Rule r : rules) {
            byte[] p = r.from();
            if (p.length > 0 && at + p.length <= end) {
                boolean eq = true;
                for (int k = 0; k < p.length && eq; k++) {
                    eq = in.getByte(at + k) == p[k];
                }
                if (eq) {
                    return true;
                }
            }
        }
        return false;
    }

    private int partialTail(ByteBuf in, int start, int end) {
        int max = Math.min(maxLen - 1, end - start);
        for (int len = max; len > 0; len--) {
            int at = end - len;
            if (!first[in.getByte(at) & 0xff]) {
                continue;
            }
            for (Rule r : rules) {
                byte[] p = r.from();
                if (len < p.length) {
                    boolean eq = true;
                    for (int k = 0; k < len && eq; k++) {
                        eq = in.getByte(at + k) == p[k];
                    }
                    if (eq) {
                        return len;
                    }
                }
            }
        }
        return 0;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** How many replacements were made so far. */
    public int replacements() {
        return replaced;
    }

    /** Feeds a chunk and returns what can be emitted now. */
    public byte[] feed(byte[] chunk) {
        byte[] data = concat(held, chunk);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        int i = 0;
        int emittedUpTo = 0;
        while (i < data.length) {
            Rule hit = first[data[i] & 0xff] ? matchAt(data, i) : null;
            if (hit != null) {
                out.write(data, emittedUpTo, i - emittedUpTo);
                out.write(hit.to(), 0, hit.to().length);
                replaced++;
                i += hit.from().length;
                emittedUpTo = i;
            } else {
                i++;
            }
        }
        int hold = partialTail(data, emittedUpTo);
        out.write(data, emittedUpTo, data.length - emittedUpTo - hold);
        held = java.util.Arrays.copyOfRange(data, data.length - hold, data.length);
        return out.toByteArray();
    }

    /** Ends the stream: returns the held-back bytes. */
    public byte[] finish() {
        byte[] rest = held;
        held = new byte[0];
        return rest;
    }

    private Rule matchAt(byte[] data, int at) {
        for (Rule r : rules) {
            byte[] p = r.from();
            if (at + p.length <= data.length && data[at] == p[0]) {
                boolean eq = true;
                for (int k = 1; k < p.length && eq; k++) {
                    eq = data[at + k] == p[k];
                }
                if (eq) {
                    return r;
                }
            }
        }
        return null;
    }

    /** Length of the longest suffix of data[from..] that is a proper prefix of some pattern. */
    private int partialTail(byte[] data, int from) {
        int max = Math.min(maxLen - 1, data.length - from);
        for (int len = max; len > 0; len--) {
            int start = data.length - len;
            for (Rule r : rules) {
                byte[] p = r.from();
                if (len < p.length && regionEquals(data, start, p, len)) {
                    return len;
                }
            }
        }
        return 0;
    }

    private static boolean regionEquals(byte[] data, int start, byte[] p, int len) {
        for (int k = 0; k < len; k++) {
            if (data[start + k] != p[k]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

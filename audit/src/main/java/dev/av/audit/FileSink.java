package dev.av.audit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The {@code file} device's destination: appends lines and fdatasyncs once per batch. A new file is
 * created with the device's mode (0600 by default). {@link #reopen()} opens the path again, which
 * after a rename by logrotate creates a fresh file. A failed write is cut off again so that no torn
 * line stays in the file.
 */
final class FileSink implements Sink {

    private final Path path;
    private final Set<PosixFilePermission> mode;
    private final boolean sync;
    private FileChannel channel;
    // Reused for every batch (writer thread only): a heap buffer would be copied into a temporary
    // direct one by the channel on each write.
    private ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
    private static final int KEEP_DIRECT = 4 * 1024 * 1024;

    FileSink(Path path, String mode, boolean sync) throws IOException {
        this.path = path;
        this.mode = PosixFilePermissions.fromString(toRwx(mode));
        this.sync = sync;
        this.channel = open();
    }

    static String toRwx(String octal) {
        int m;
        try {
            m = Integer.parseInt(octal, 8);
        } catch (NumberFormatException e) {
            throw dev.av.core.AvException.badRequest("invalid mode \"" + octal + "\": an octal number such as 0600 is expected");
        }
        if (m < 0 || m > 0777) {
            throw dev.av.core.AvException.badRequest("invalid mode \"" + octal + "\": must be between 0000 and 0777");
        }
        StringBuilder sb = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (m >> shift) & 7;
            sb.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return sb.toString();
    }

    private FileChannel open() throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent);
        }
        if (!Files.exists(path)) {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(mode));
                // createFile honours the umask; set the mode exactly as asked.
                Files.setPosixFilePermissions(path, mode);
            } catch (FileAlreadyExistsException raced) {
                // someone created it meanwhile: append to it
            } catch (UnsupportedOperationException noPosix) {
                Files.createFile(path);
            }
        }
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public void write(List<byte[]> lines) throws IOException {
        int size = 0;
        for (byte[] l : lines) {
            size += l.length + 1;
        }
        ByteBuffer buf = direct;
        if (size > buf.capacity()) {
            buf = ByteBuffer.allocateDirect(size);
            if (size <= KEEP_DIRECT) {
                direct = buf;
            }
        }
        buf.clear();
        for (byte[] l : lines) {
            buf.put(l).put((byte) '\n');
        }
        buf.flip();
        long before = channel.size();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            if (sync) {
                channel.force(false);
            }
        } catch (IOException e) {
            try {
                channel.truncate(before);
            } catch (IOException ignored) {
                // the verifier will report the torn line
            }
            throw e;
        }
    }

    @Override
    public void reopen() throws IOException {
        FileChannel old = channel;
        channel = open();
        old.close();
    }

    @Override
    public byte[] lastLine() throws IOException {
        return lastLineOf(path);
    }

    static byte[] lastLineOf(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
            long len = f.length();
            if (len == 0) {
                return null;
            }
            f.seek(len - 1);
            if (f.read() != '\n') {
                return null; // torn last line
            }
            long pos = len - 2;
            int chunk = 8192;
            java.io.ByteArrayOutputStream rev = new java.io.ByteArrayOutputStream();
            while (pos >= 0) {
                long start = Math.max(0, pos - chunk + 1);
                byte[] buf = new byte[(int) (pos - start + 1)];
                f.seek(start);
                f.readFully(buf);
                for (int i = buf.length - 1; i >= 0; i--) {
                    if (buf[i] == '\n') {
                        return reverse(rev.toByteArray());
                    }
                    rev.write(buf[i]);
                }
                pos = start - 1;
            }
            return reverse(rev.toByteArray());
        }
    }

    private static byte[] reverse(byte[] b) {
        for (int i = 0, j = b.length - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return b;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

package dev.av.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Vault's token helper, as a file: {@code av login} stores the token in {@code ~/.av-token}
 * (mode 0600, written atomically) and later commands read it when {@code AV_TOKEN} is unset.
 * {@code AV_TOKEN_FILE} moves the file elsewhere.
 */
public final class TokenHelper {

    public static final String FILE_NAME = ".av-token";

    private final Path file;

    public TokenHelper(Path file) {
        this.file = file;
    }

    /** The helper for an environment: {@code AV_TOKEN_FILE}, else {@code <home>/.av-token}. */
    public static TokenHelper forEnvironment(Map<String, String> env, Path home) {
        String override = env.get("AV_TOKEN_FILE");
        if (override != null && !override.isBlank()) {
            return new TokenHelper(Path.of(override));
        }
        return new TokenHelper(home.resolve(FILE_NAME));
    }

    public Path file() {
        return file;
    }

    /** The stored token, if any (surrounding whitespace removed). */
    public Optional<String> get() {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String t = Files.readString(file, StandardCharsets.UTF_8).strip();
            return t.isEmpty() ? Optional.empty() : Optional.of(t);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file, e);
        }
    }

    /** Stores the token with mode 0600, replacing the file atomically. */
    public void store(String token) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp;
            try {
                tmp = Files.createTempFile(dir, ".av-token", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                tmp = Files.createTempFile(dir, ".av-token", ".tmp");
            }
            try {
                Files.writeString(tmp, token, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token file " + file, e);
        }
    }

    /** Removes the stored token. */
    public void erase() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the token file " + file, e);
        }
    }
}

package dev.av.cli.policy;

import dev.av.cli.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading policy files (or standard input for "-"). */
final class PolicyFiles {

    /** Policy documents larger than this are refused (Vault's request body limit is 32 MiB; policies are small). */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private PolicyFiles() {
    }

    static String read(String file, InputStream stdin) {
        try {
            byte[] bytes;
            if (file.equals("-")) {
                bytes = stdin.readNBytes(MAX_BYTES + 1);
            } else {
                Path p = Path.of(file);
                if (Files.size(p) > MAX_BYTES) {
                    throw new UsageException("Error: " + file + " is larger than " + MAX_BYTES + " bytes");
                }
                bytes = Files.readAllBytes(p);
            }
            if (bytes.length > MAX_BYTES) {
                throw new UsageException("Error: the policy is larger than " + MAX_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("Error: cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The policy name a file stands for: its base name without the extension, lower-cased. */
    static String nameOf(String file) {
        String base = Path.of(file).getFileName().toString();
        int dot = base.lastIndexOf('.');
        return (dot > 0 ? base.substring(0, dot) : base).toLowerCase(java.util.Locale.ROOT);
    }

    static boolean isCedar(String file) {
        return file.endsWith(".cedar");
    }
}

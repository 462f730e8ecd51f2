package dev.av.registry.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where av keeps its state: an in-memory H2 database (dev mode), H2 files in a data directory (the
 * default for a persistent server), or PostgreSQL. H2 always runs in PostgreSQL mode so that the
 * same SQL runs on both.
 *
 * @param jdbcUrl  the JDBC URL
 * @param user     the database user ("" for H2)
 * @param password the database password ("" for none); never logged
 */
public record StorageSettings(String jdbcUrl, String user, String password) {

    /** The H2 options av needs: PostgreSQL mode, lower-case names, NULLs last like PostgreSQL. */
    public static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    public StorageSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /** A private in-memory H2 database that lives as long as the pool holds a connection. */
    public static StorageSettings h2Memory(String name) {
        return new StorageSettings("jdbc:h2:mem:" + name + H2_OPTIONS + ";DB_CLOSE_DELAY=-1", "", "");
    }

    /**
     * H2 files {@code av.mv.db} in {@code dataDir}. {@code WRITE_DELAY=0} makes every commit reach the
     * file before the call returns, so an acknowledged write survives {@code kill -9}.
     */
    public static StorageSettings h2Files(Path dataDir) {
        Path base = dataDir.toAbsolutePath().resolve("av");
        return new StorageSettings("jdbc:h2:file:" + base + H2_OPTIONS + ";WRITE_DELAY=0", "", "");
    }

    public static StorageSettings postgres(String jdbcUrl, String user, String password) {
        return new StorageSettings(jdbcUrl, user, password);
    }

    public boolean isH2() {
        return jdbcUrl.startsWith("jdbc:h2:");
    }

    public boolean isInMemory() {
        return jdbcUrl.startsWith("jdbc:h2:mem:");
    }

    /** A short description for logs and {@code sys/seal-status}: the kind and where, never the password. */
    public String describe() {
        if (isInMemory()) {
            return "inmem";
        }
        return isH2() ? "h2" : "postgresql";
    }

    @Override
    public String toString() {
        return "StorageSettings[" + jdbcUrl.replaceAll("password=[^&;]*", "password=***") + ", user=" + user + "]";
    }
}

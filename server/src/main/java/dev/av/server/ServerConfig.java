package dev.av.server;

import dev.av.core.AvException;
import dev.av.registry.keyring.KdfParams;
import dev.av.registry.storage.StorageSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * How to run av: immutable; build with {@link #builder()}, {@link #dev()} or
 * {@link ConfigLoader#load}. Unset values take the documented defaults.
 *
 * <ul>
 *   <li>{@code dev}: in-memory storage, initialised, unsealed, {@code secret/} KV v2 mounted, a root token.</li>
 *   <li>{@code devAuditStdout}: in dev mode, enable a {@code file} audit device named {@code stdout} with
 *       {@code file_path=stdout} at start (what {@code av server -dev} does unless {@code -dev-no-audit});
 *       default false, so that embedded servers in tests stay quiet.</li>
 *   <li>{@code listenAddress}: API {@code host:port}, default {@value #DEFAULT_LISTEN}; port 0 picks a free port.</li>
 *   <li>{@code proxyListenAddress}: the proxy's {@code host:port}, default {@value #DEFAULT_PROXY_LISTEN}.</li>
 *   <li>{@code storage}: default in-memory H2 in dev mode, else H2 files in {@code dataDir}.</li>
 *   <li>{@code unsealKey}: unseal at start (automation); never logged.</li>
 *   <li>{@code properties}: extra settings for other areas, passed to the application context as is
 *       (e.g. {@code av.audit.file.path}).</li>
 * </ul>
 */
public final class ServerConfig {

    public static final String DEFAULT_LISTEN = "127.0.0.1:14321";
    public static final String DEFAULT_PROXY_LISTEN = "127.0.0.1:14322";
    public static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final boolean dev;
    private final boolean devAuditStdout;
    private final String devRootTokenId;
    private final String listenAddress;
    private final String proxyListenAddress;
    private final StorageSettings storage;
    private final Path dataDir;
    private final String unsealKey;
    private final Clock clock;
    private final KdfParams kdf;
    private final Duration defaultLeaseTtl;
    private final Duration maxLeaseTtl;
    private final int maxRequestBytes;
    private final Duration tidyInterval;
    private final Map<String, Object> properties;

    private ServerConfig(Builder b) {
        this.dev = b.dev;
        this.devAuditStdout = b.devAuditStdout;
        this.devRootTokenId = b.devRootTokenId;
        this.listenAddress = b.listenAddress == null ? DEFAULT_LISTEN : b.listenAddress;
        this.proxyListenAddress = b.proxyListenAddress == null ? DEFAULT_PROXY_LISTEN : b.proxyListenAddress;
        this.dataDir = b.dataDir == null ? Path.of(System.getProperty("user.home"), ".av", "data") : b.dataDir;
        this.storage = b.storage != null ? b.storage
                : b.dev ? StorageSettings.h2Memory("avdev" + Long.toHexString(System.nanoTime()))
                : StorageSettings.h2Files(this.dataDir);
        this.unsealKey = b.unsealKey;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.kdf = b.kdf != null ? b.kdf : (b.dev ? KdfParams.DEV : KdfParams.DEFAULT);
        this.defaultLeaseTtl = b.defaultLeaseTtl == null ? Duration.ofHours(768) : b.defaultLeaseTtl;
        this.maxLeaseTtl = b.maxLeaseTtl == null ? Duration.ofHours(768) : b.maxLeaseTtl;
        this.maxRequestBytes = b.maxRequestBytes <= 0 ? DEFAULT_MAX_REQUEST_BYTES : b.maxRequestBytes;
        this.tidyInterval = b.tidyInterval == null ? Duration.ofMinutes(1) : b.tidyInterval;
        this.properties = b.properties == null ? Map.of() : Map.copyOf(b.properties);
        hostPort(listenAddress, "listen address");
        hostPort(proxyListenAddress, "proxy listen address");
        if (defaultLeaseTtl.compareTo(maxLeaseTtl) > 0 || !maxLeaseTtl.isPositive()) {
            throw AvException.badRequest("default_lease_ttl must be positive and not exceed max_lease_ttl");
        }
    }

    /** A dev-mode configuration with every default. */
    public static ServerConfig dev() {
        return builder().dev(true).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dev = dev;
        b.devAuditStdout = devAuditStdout;
        b.devRootTokenId = devRootTokenId;
        b.listenAddress = listenAddress;
        b.proxyListenAddress = proxyListenAddress;
        b.storage = storage;
        b.dataDir = dataDir;
        b.unsealKey = unsealKey;
        b.clock = clock;
        b.kdf = kdf;
        b.defaultLeaseTtl = defaultLeaseTtl;
        b.maxLeaseTtl = maxLeaseTtl;
        b.maxRequestBytes = maxRequestBytes;
        b.tidyInterval = tidyInterval;
        b.properties = properties;
        return b;
    }

    public boolean isDev() {
        return dev;
    }

    /** In dev mode: enable the {@code stdout} audit device at start. */
    public boolean devAuditStdout() {
        return dev && devAuditStdout;
    }

    public String devRootTokenId() {
        return devRootTokenId;
    }

    public String listenAddress() {
        return listenAddress;
    }

    public String proxyListenAddress() {
        return proxyListenAddress;
    }

    public StorageSettings storage() {
        return storage;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String unsealKey() {
        return unsealKey;
    }

    public Clock clock() {
        return clock;
    }

    public KdfParams kdf() {
        return kdf;
    }

    public Duration defaultLeaseTtl() {
        return defaultLeaseTtl;
    }

    public Duration maxLeaseTtl() {
        return maxLeaseTtl;
    }

    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    public Duration tidyInterval() {
        return tidyInterval;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    /** {@code host:port} split; port 0 allowed. Brackets for IPv6 ({@code [::1]:8200}). */
    public static HostPort hostPort(String address, String what) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw AvException.badRequest(what + " must be host:port, got \"" + address + "\"");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw AvException.badRequest(what + " has an invalid port: \"" + address + "\"");
        }
        if (port < 0 || port > 65535) {
            throw AvException.badRequest(what + " has an invalid port: \"" + address + "\"");
        }
        return new HostPort(host, port);
    }

    /** A host and port. */
    public record HostPort(String host, int port) {
    }

    @Override
    public String toString() {
        return "ServerConfig[dev=" + dev + ", listen=" + listenAddress + ", proxy=" + proxyListenAddress + ", storage="
                + storage.describe() + (unsealKey != null ? ", unsealKey=<set>" : "") + "]";
    }

    /** Mutable builder; every setter returns this. */
    public static final class Builder {
        private boolean devAuditStdout;
        private boolean dev;
        private String devRootTokenId;
        private String listenAddress;
        private String proxyListenAddress;
        private StorageSettings storage;
        private Path dataDir;
        private String unsealKey;
        private Clock clock;
        private KdfParams kdf;
        private Duration defaultLeaseTtl;
        private Duration maxLeaseTtl;
        private int maxRequestBytes;
        private Duration tidyInterval;
        private Map<String, Object> properties;

        public Builder dev(boolean v) { this.dev = v; return this; }
        public Builder devAuditStdout(boolean v) { this.devAuditStdout = v; return this; }
        public Builder devRootTokenId(String v) { this.devRootTokenId = v; return this; }
        public Builder listenAddress(String v) { this.listenAddress = v; return this; }
        public Builder proxyListenAddress(String v) { this.proxyListenAddress = v; return this; }
        public Builder storage(StorageSettings v) { this.storage = v; return this; }
        public Builder dataDir(Path v) { this.dataDir = v; return this; }
        public Builder unsealKey(String v) { this.unsealKey = v; return this; }
        public Builder clock(Clock v) { this.clock = v; return this; }
        public Builder kdf(KdfParams v) { this.kdf = v; return this; }
        public Builder defaultLeaseTtl(Duration v) { this.defaultLeaseTtl = v; return this; }
        public Builder maxLeaseTtl(Duration v) { this.maxLeaseTtl = v; return this; }
        public Builder maxRequestBytes(int v) { this.maxRequestBytes = v; return this; }
        public Builder tidyInterval(Duration v) { this.tidyInterval = v; return this; }
        public Builder properties(Map<String, Object> v) { this.properties = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}

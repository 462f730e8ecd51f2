package dev.av.registry.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells this node's caches that another node (or anyone) changed a row they hold.
 *
 * <p><b>PostgreSQL</b> ({@link #listen}): triggers on every cached table ({@code db/postgresql/R__av_invalidate_triggers.sql})
 * NOTIFY channel {@code av_invalidate} inside the writing transaction, so a notice exists exactly when the
 * write committed. One platform thread per node holds a dedicated connection (outside the pool) that
 * LISTENs and waits in {@link PGConnection#getNotifications(int)} (no polling SQL); each notice
 * {@code "<schema> <table> <key>"} for this node's schema is handed to the subscribers of that table.
 * The request path never touches the database for this.
 *
 * <p><b>Safety net.</b> Whenever the listener connection is (re)established, after its LISTEN is active,
 * every {@link #onReset} subscriber runs (drop everything), so notices missed while it was down cannot
 * leave stale entries behind. While the connection is down, every failed attempt to reconnect (one per
 * {@link #RETRY_MILLIS}) runs the reset subscribers again, so entries loaded meanwhile live at most that
 * long. A half-open connection (no FIN, e.g. a network partition) is found by a {@code SELECT 1} every
 * {@link #PING_MILLIS} under a socket timeout of twice that.
 *
 * <p><b>H2</b> ({@link #local}): one process owns the database (embedded), so every write goes through
 * this node's own objects, which invalidate their caches themselves; there is nothing to listen to.
 *
 * <p>Subscribers run on the listener thread and must be quick (drop a map entry). Thread-safe.
 */
public final class Invalidations implements AutoCloseable {

    public static final String CHANNEL = "av_invalidate";
    static final int WAIT_MILLIS = 500;
    static final int PING_MILLIS = 5_000;
    static final int RETRY_MILLIS = 1_000;

    private static final Logger LOG = Logger.getLogger(Invalidations.class.getName());

    private final StorageSettings settings;
    private final Map<String, List<Consumer<String>>> byTable = new ConcurrentHashMap<>();
    private final List<Runnable> resets = new CopyOnWriteArrayList<>();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong notices = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile int backendPid = -1;
    private boolean warnedOnce; // listener thread only

    private Invalidations(StorageSettings settings) {
        this.settings = settings;
        if (settings == null) {
            this.thread = null;
        } else {
            this.thread = Thread.ofPlatform().daemon().name("av-invalidations").unstarted(this::run);
        }
    }

    /** H2: nothing to listen to (one process; local writes invalidate locally). */
    public static Invalidations local() {
        return new Invalidations(null);
    }

    /** PostgreSQL: starts the listener thread; it connects in the background and retries until closed. */
    public static Invalidations listen(StorageSettings settings) {
        if (settings.isH2()) {
            throw new IllegalArgumentException("cross-node invalidation needs PostgreSQL, not H2");
        }
        Invalidations inv = new Invalidations(settings);
        inv.thread.start();
        return inv;
    }

    /** The right one for {@code settings}: listening on PostgreSQL, local on H2. */
    public static Invalidations forStorage(StorageSettings settings) {
        return settings.isH2() ? local() : listen(settings);
    }

    /** Calls {@code key} with the changed row's key (for {@code av_policies}: {@code kind/name}) on every notice for {@code table}. */
    public void on(String table, Consumer<String> key) {
        byTable.computeIfAbsent(table, t -> new CopyOnWriteArrayList<>()).add(key);
    }

    /** Calls {@code reset} whenever notices may have been missed: drop every cached entry. */
    public void onReset(Runnable reset) {
        resets.add(reset);
    }

    /** Whether notices from other nodes arrive at all (false on H2). */
    public boolean isShared() {
        return thread != null;
    }

    /** How many times the listener connection has been established (tests, diagnostics). */
    public long connects() {
        return connects.get();
    }

    /** Notices handled for this node's schema so far (tests, diagnostics). */
    public long notices() {
        return notices.get();
    }

    /** The PostgreSQL backend process id of the listener connection, -1 while disconnected. */
    public int backendPid() {
        return backendPid;
    }

    private void run() {
        while (!closed) {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", settings.user());
            props.setProperty("password", settings.password());
            props.setProperty("socketTimeout", Integer.toString(2 * PING_MILLIS / 1000));
            props.setProperty("connectTimeout", "5");
            props.setProperty("tcpKeepAlive", "true");
            props.setProperty("ApplicationName", "av invalidation listener");
            try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), props)) {
                connection = c;
                String schema;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                    try (ResultSet rs = s.executeQuery("SELECT current_schema(), pg_backend_pid()")) {
                        rs.next();
                        schema = rs.getString(1);
                        backendPid = rs.getInt(2);
                    }
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                connects.incrementAndGet();
                reset(); // LISTEN is active: anything committed from now on is noticed
                long nextPing = System.nanoTime() + PING_MILLIS * 1_000_000L;
                while (!closed) {
                    PGNotification[] batch = pg.getNotifications(WAIT_MILLIS);
                    if (batch != null) {
                        for (PGNotification n : batch) {
                            dispatch(schema, n.getParameter());
                        }
                    }
                    if (System.nanoTime() - nextPing > 0) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                        nextPing = System.nanoTime() + PING_MILLIS * 1_000_000L;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    // once per outage at WARNING (the first failure after a good connection), then quietly
                    boolean wasUp = backendPid != -1 || connects.get() == 0 && !warnedOnce;
                    warnedOnce = true;
                    LOG.log(wasUp ? Level.WARNING : Level.FINE, "invalidation listener lost its connection ({0}); dropping all cached entries and reconnecting",
                            e instanceof SQLException se ? "SQLState " + se.getSQLState() : e.getClass().getSimpleName());
                }
            } finally {
                connection = null;
                backendPid = -1;
            }
            if (!closed) {
                reset();
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void dispatch(String schema, String payload) {
        int a = payload.indexOf(' ');
        int b = a < 0 ? -1 : payload.indexOf(' ', a + 1);
        if (b < 0 || !payload.substring(0, a).equals(schema)) {
            return; // another av install sharing the database, in its own schema
        }
        notices.incrementAndGet();
        List<Consumer<String>> subs = byTable.get(payload.substring(a + 1, b));
        if (subs != null) {
            String key = payload.substring(b + 1);
            for (Consumer<String> s : subs) {
                try {
                    s.accept(key);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "invalidation subscriber failed; dropping all cached entries", e);
                    reset();
                }
            }
        }
    }

    private void reset() {
        for (Runnable r : resets) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cache reset failed", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            Connection c = connection;
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

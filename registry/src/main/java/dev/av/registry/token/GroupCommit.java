package dev.av.registry.token;

import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Group commit of new token rows: callers that insert concurrently share one transaction and one
 * JDBC batch, so the commit (the expensive part of issuing a token) is paid once per batch instead of
 * once per token. Each caller returns only after the transaction holding its row committed, so a token
 * handed out is always in the store, on every node sharing the database.
 *
 * <p>There is no writer thread. The first caller that finds nobody writing becomes the <em>leader</em>:
 * it takes the queued rows (its own first, at most {@link #MAX_BATCH}), writes and commits them, wakes
 * their callers, and then hands leadership to the oldest caller still queued (or clears the flag). A
 * lone caller therefore pays exactly one transaction, as before, and no caller ever writes more than its
 * own batch. While a batch is being written, new callers queue up; that queue is the next batch.
 *
 * <p>Outcome per caller: its row committed (returns); its parent token no longer exists (only that
 * caller gets the 400, the others' rows are written); or the batch failed (every caller in it gets a
 * storage error, nothing of the batch is stored: the transaction rolled back). Thread-safe.
 */
final class GroupCommit {

    /** Largest batch written in one transaction; bounds the latency a leader adds to its own request. */
    static final int MAX_BATCH = 256;

    /** The row inserter (one prepared statement, rows added to its batch). */
    interface RowWriter {
        void bind(PreparedStatement ps, TokenEntry entry) throws SQLException;
    }

    private static final Object STORED = new Object();
    private static final Object LEAD = new Object();

    private final DataSource dataSource;
    private final String insertSql;
    private final RowWriter writer;
    private final ReentrantLock lock = new ReentrantLock();
    private ArrayList<Pending> queue = new ArrayList<>();
    private boolean writing;

    private static final class Pending {
        final TokenEntry entry;
        /** STORED, LEAD (write the next batch) or the failure; completed once. */
        final CompletableFuture<Object> outcome = new CompletableFuture<>();
        /**
         * Why this row is not stored, null when it is; set by the leader that wrote it. A leader reads its
         * own here: its {@code outcome} already holds LEAD and cannot be completed again.
         */
        AvException failure;

        Pending(TokenEntry entry) {
            this.entry = entry;
        }
    }

    GroupCommit(DataSource dataSource, String insertSql, RowWriter writer) {
        this.dataSource = dataSource;
        this.insertSql = insertSql;
        this.writer = writer;
    }

    /** Inserts {@code entry}; returns once it is committed, throws if it is not stored. */
    void insert(TokenEntry entry) {
        Pending mine = new Pending(entry);
        boolean lead;
        lock.lock();
        try {
            queue.add(mine);
            lead = !writing;
            writing = true;
        } finally {
            lock.unlock();
        }
        if (!lead && await(mine) == STORED) {
            return;
        }
        List<Pending> batch = take();
        try {
            write(batch);
        } finally {
            handOver();
        }
        if (mine.failure != null) {
            throw copy(mine.failure);
        }
    }

    /** Rows queued and not yet taken by a leader (for tests). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private static Object await(Pending p) {
        try {
            return p.outcome.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof AvException av) {
                throw copy(av);
            }
            throw e;
        }
    }

    /** A failure shared by a batch, re-thrown with the stack of the caller that sees it. */
    private static AvException copy(AvException e) {
        return new AvException(e.kind(), e.errors(), e.getCause());
    }

    private List<Pending> take() {
        lock.lock();
        try {
            if (queue.size() <= MAX_BATCH) {
                List<Pending> all = queue;
                queue = new ArrayList<>();
                return all;
            }
            List<Pending> head = new ArrayList<>(queue.subList(0, MAX_BATCH));
            queue.subList(0, MAX_BATCH).clear();
            return head;
        } finally {
            lock.unlock();
        }
    }

    private void handOver() {
        Pending next = null;
        lock.lock();
        try {
            if (queue.isEmpty()) {
                writing = false;
            } else {
                next = queue.get(0);
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            next.outcome.complete(LEAD);
        }
    }

    private void write(List<Pending> batch) {
        Set<Pending> orphaned = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        try {
            Database.inTransaction(dataSource, c -> {
                Set<String> live = liveParents(c, batch);
                try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                    int rows = 0;
                    for (Pending p : batch) {
                        String parent = p.entry.parentId();
                        if (parent != null && !live.contains(parent)) {
                            orphaned.add(p);
                            continue;
                        }
                        writer.bind(ps, p.entry);
                        ps.addBatch();
                        rows++;
                    }
                    if (rows > 0) {
                        ps.executeBatch();
                    }
                }
                return null;
            });
        } catch (RuntimeException | Error e) {
            AvException failure = e instanceof AvException av ? av
                    : new AvException(AvException.Kind.INTERNAL, "storage error", e);
            for (Pending p : batch) {
                p.failure = failure;
                p.outcome.completeExceptionally(failure);
            }
            if (e instanceof Error error) {
                throw error;
            }
            return;
        }
        for (Pending p : batch) {
            if (orphaned.contains(p)) {
                p.failure = AvException.badRequest("parent token is no longer valid");
                p.outcome.completeExceptionally(p.failure);
            } else {
                p.outcome.complete(STORED);
            }
        }
    }

    /** The parents named by the batch that still exist and are not used up. */
    private static Set<String> liveParents(Connection c, List<Pending> batch) throws SQLException {
        Set<String> wanted = new LinkedHashSet<>();
        for (Pending p : batch) {
            if (p.entry.parentId() != null) {
                wanted.add(p.entry.parentId());
            }
        }
        Set<String> live = new HashSet<>();
        if (wanted.isEmpty()) {
            return live;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT num_uses FROM av_tokens WHERE id_hash = ?")) {
            for (String id : wanted) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getInt(1) >= 0) {
                        live.add(id);
                    }
                }
            }
        }
        return live;
    }
}

package dev.av.registry.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.core.AvException;
import dev.av.registry.storage.Database;
import dev.av.testing.MutableClock;
import dev.av.testing.TestDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Token creation by group commit: what a caller is handed is stored, a failed batch fails every caller
 * in it, and use counting stays exact under concurrency.
 */
class TokenGroupCommitTest {

    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void everyTokenHandedToConcurrentIssuersIsInTheStore(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.migrate(db.dataSource());
            TokenStore store = new TokenStore(db.dataSource(), clock);
            TokenEntry root = store.createRoot(null, "root").entry();
            TokenEntry identity = store.create(TokenRequest.builder().policies(List.of("agent")).build(), root, true).entry();
            ConcurrentLinkedQueue<IssuedToken> issued = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50; i++) {
                        issued.add(store.create(TokenRequest.builder().policies(List.of("agent")).ttl(Duration.ofMinutes(2))
                                .numUses(1).kind(TokenKind.EPHEMERAL).agent("a1").build(), identity, true));
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(issued).hasSize(400);
            for (IssuedToken token : issued) {
                assertThat(store.lookup(token.token())).as("issued token is stored").get()
                        .satisfies(e -> {
                            assertThat(e.parentId()).isEqualTo(identity.id());
                            assertThat(e.numUses()).isEqualTo(1);
                            assertThat(e.agent()).isEqualTo("a1");
                        });
            }
            assertThat(store.count()).isEqualTo(402);
            // the children of a revoked parent all go with it
            assertThat(store.revokeTree(identity)).isEqualTo(401);
            assertThat(issued).allSatisfy(t -> assertThat(store.lookup(t.token())).isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aFailedBatchFailsEveryCallerInItAndStoresNoneOfItsTokens(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.migrate(db.dataSource());
            TokenStore plain = new TokenStore(db.dataSource(), clock);
            TokenEntry root = plain.createRoot(null, "root").entry();
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger batches = new AtomicInteger();
            // the first batch waits until the test releases it, then commits; the second batch fails
            DataSource failing = interceptBatches(db.dataSource(), () -> {
                int n = batches.incrementAndGet();
                if (n == 1) {
                    release.await(30, TimeUnit.SECONDS);
                } else if (n == 2) {
                    throw new SQLException("disk full", "53100");
                }
            });
            TokenStore store = new TokenStore(failing, clock);
            ConcurrentLinkedQueue<IssuedToken> issued = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<AvException> failed = new ConcurrentLinkedQueue<>();
            Runnable issue = () -> {
                try {
                    issued.add(store.create(TokenRequest.builder().policies(List.of("p")).build(), root, true));
                } catch (AvException e) {
                    failed.add(e);
                }
            };
            List<Thread> threads = new ArrayList<>();
            threads.add(Thread.ofPlatform().start(issue)); // the leader: its batch is held
            while (batches.get() == 0) {
                Thread.sleep(5);
            }
            for (int i = 0; i < 5; i++) {
                threads.add(Thread.ofPlatform().start(issue));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (store.queuedInserts() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(store.queuedInserts()).isEqualTo(5);
            release.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(batches.get()).isEqualTo(2);
            assertThat(issued).hasSize(1);
            assertThat(failed).hasSize(5).allSatisfy(e -> {
                assertThat(e.kind()).isEqualTo(AvException.Kind.INTERNAL);
                assertThat(e.getMessage()).contains("storage error").doesNotContain("avs.");
            });
            assertThat(plain.count()).isEqualTo(2); // root + the one token handed out
            assertThat(plain.lookup(issued.peek().token())).isPresent();
            // the store keeps working after a failed batch
            assertThat(plain.lookup(store.create(TokenRequest.builder().policies(List.of("p")).build(), root, true)
                    .token())).isPresent();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void aTokenWhoseParentWasRevokedIsRefusedAndNotStored(TestDatabase.Kind kind) {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.migrate(db.dataSource());
            TokenStore store = new TokenStore(db.dataSource(), clock);
            TokenEntry root = store.createRoot(null, "root").entry();
            TokenEntry parent = store.create(TokenRequest.builder().policies(List.of("p")).build(), root, true).entry();
            store.revokeTree(parent);
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            store.create(TokenRequest.builder().policies(List.of("p")).build(), parent, true))
                    .isInstanceOf(AvException.class).hasMessageContaining("parent token is no longer valid");
            assertThat(store.count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.av.testing.TestDatabase#kinds")
    void concurrentUsesNeverExceedNumUses(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.migrate(db.dataSource());
            TokenStore store = new TokenStore(db.dataSource(), clock);
            TokenEntry root = store.createRoot(null, "root").entry();
            IssuedToken limited = store.create(TokenRequest.builder().policies(List.of("p")).numUses(25).build(), root, true);
            AtomicInteger allowed = new AtomicInteger();
            AtomicInteger last = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 10; i++) {
                        TokenStore.Use use = store.use(limited.entry());
                        if (use.allowed()) {
                            allowed.incrementAndGet();
                        }
                        if (use.lastUse()) {
                            last.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(allowed.get()).isEqualTo(25);
            assertThat(last.get()).isEqualTo(1);
            assertThat(store.lookup(limited.token())).isEmpty();
        }
    }

    interface BatchHook {
        void beforeBatch() throws Exception;
    }

    /** A data source whose prepared statements run {@code hook} before every {@code executeBatch}. */
    private static DataSource interceptBatches(DataSource real, BatchHook hook) {
        InvocationHandler ds = (proxy, method, args) -> {
            Object result = invoke(real, method, args);
            if (result instanceof Connection c) {
                return Proxy.newProxyInstance(TokenGroupCommitTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                        (p2, m2, a2) -> {
                            Object r2 = invoke(c, m2, a2);
                            if (r2 instanceof PreparedStatement ps) {
                                return Proxy.newProxyInstance(TokenGroupCommitTest.class.getClassLoader(),
                                        new Class<?>[] {PreparedStatement.class}, (p3, m3, a3) -> {
                                            if (m3.getName().equals("executeBatch")) {
                                                hook.beforeBatch();
                                            }
                                            return invoke(ps, m3, a3);
                                        });
                            }
                            return r2;
                        });
            }
            return result;
        };
        return (DataSource) Proxy.newProxyInstance(TokenGroupCommitTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, ds);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

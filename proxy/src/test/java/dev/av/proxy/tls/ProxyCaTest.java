package dev.av.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.av.testing.MutableClock;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ProxyCaTest {

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

    @Test
    void leavesAreEcdsaAndVerifyAgainstTheRoot() throws Exception {
        ProxyCa ca = ProxyCa.generate(clock);
        ProxyCa.Leaf leaf = ca.issueLeaf("api.github.com");
        X509Certificate cert = leaf.chain()[0];
        cert.verify(ca.root().getPublicKey());
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo("api.github.com"));
        assertThat(ca.root().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(leaf.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void aCaSurvivesExportAndReload() throws Exception {
        ProxyCa ca = ProxyCa.generate(clock);
        ProxyCa loaded = ProxyCa.load(ca.rootPem(), ca.privateKeyPkcs8(), List.of(), clock);
        loaded.issueLeaf("x.example").chain()[0].verify(ca.root().getPublicKey());
    }

    @Test
    void rotationKeepsTheOldRootTrustedUntilTheOverlapEnds() {
        ProxyCa first = ProxyCa.generate(clock);
        ProxyCa second = first.rotate(Duration.ofDays(7));
        assertThat(second.root()).isNotEqualTo(first.root());
        assertThat(second.trustBundlePem()).contains(first.rootPem().trim()).contains(second.rootPem().trim());
        clock.advance(Duration.ofDays(8));
        assertThat(second.trustBundlePem()).doesNotContain(first.rootPem().trim());
    }

    @Test
    void leavesForDifferentHostsAreMintedInParallelAndCachedPerHost() throws Exception {
        ProxyCa ca = ProxyCa.generate(clock);
        var pool = Executors.newFixedThreadPool(4);
        try {
            LeafCache cache = new LeafCache(() -> ca, TlsProviders.choose(true), pool, clock);
            List<CompletableFuture<SslContext>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(cache.get("h" + (i % 4) + ".example"));
            }
            var contexts = new HashSet<SslContext>();
            for (var f : futures) {
                contexts.add(f.get());
            }
            assertThat(contexts).hasSize(4);
            assertThat(cache.get("h0.example").get()).isSameAs(futures.get(0).get());
            clock.advance(ProxyCa.LEAF_VALIDITY);
            assertThat(cache.get("h0.example").get()).as("replaced before it expires").isNotSameAs(futures.get(0).get());
        } finally {
            pool.shutdownNow();
        }
    }
}

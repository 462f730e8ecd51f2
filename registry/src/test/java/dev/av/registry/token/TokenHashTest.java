package dev.av.registry.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The stored form of a token: SHA-256 in lower-case hex, the same from every thread at once. */
class TokenHashTest {

    @Test
    void aTokenIsStoredAsTheLowerCaseHexOfItsSha256() {
        assertThat(TokenStore.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(TokenStore.hash("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void hashingFromManyThreadsAtOnceGivesEachTokenItsOwnDigest() throws Exception {
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Callable<Boolean>> jobs = IntStream.range(0, 64).<Callable<Boolean>>mapToObj(i -> () -> {
                String expected = TokenStore.hash("token-" + i);
                for (int k = 0; k < 2_000; k++) {
                    if (!TokenStore.hash("token-" + i).equals(expected)) {
                        return false;
                    }
                }
                return expected.length() == 64;
            }).toList();
            for (Future<Boolean> f : pool.invokeAll(jobs)) {
                assertThat(f.get()).isTrue();
            }
        }
        assertThat(TokenStore.hash("token-1")).isNotEqualTo(TokenStore.hash("token-2"));
    }
}

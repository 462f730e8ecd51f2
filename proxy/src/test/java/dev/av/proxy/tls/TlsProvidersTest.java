package dev.av.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** The TLS engine choice, and BoringSSL told to set each leaf's key once per context. */
class TlsProvidersTest {

    @Test
    void boringSslIsChosenWhereItLoadsAndTheJdkWhenAskedFor() {
        assertThat(TlsProviders.choose(false)).isEqualTo(SslProvider.JDK);
        assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here");
        assertThat(TlsProviders.choose(true)).isEqualTo(SslProvider.OPENSSL);
    }

    @Test
    void leafKeysAreSetOnTheNativeContextRatherThanChosenPerHandshakeUnlessConfigured() {
        TlsProviders.choose(true);
        // the build does not configure it, so loading TlsProviders set Netty's switch to false
        assertThat(System.getProperty(TlsProviders.KEY_MANAGER_PROPERTY)).isEqualTo("false");
    }
}

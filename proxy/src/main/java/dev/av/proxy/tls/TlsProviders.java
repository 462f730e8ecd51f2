package dev.av.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Picks the TLS engine: BoringSSL through netty-tcnative when it loads (about 2x cheaper per
 * handshake than JSSE here), JSSE otherwise. {@code preferNative=false} forces JSSE.
 *
 * <p>Each leaf context holds one fixed key and chain, so with BoringSSL they are set on the native
 * context once ({@code io.netty.handler.ssl.openssl.useKeyManagerFactory=false}) instead of being
 * chosen through a Java key manager in a callback on every handshake (new connections, small body:
 * 461-495 instead of 509-583 us of av CPU per connection at c16, docs/perf.md session 6). Set only
 * when not configured, and only effective if nothing loaded netty-tcnative before.
 */
public final class TlsProviders {

    static final String KEY_MANAGER_PROPERTY = "io.netty.handler.ssl.openssl.useKeyManagerFactory";

    static {
        if (System.getProperty(KEY_MANAGER_PROPERTY) == null) {
            System.setProperty(KEY_MANAGER_PROPERTY, "false");
        }
    }

    private TlsProviders() {
    }

    public static SslProvider choose(boolean preferNative) {
        return preferNative && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}

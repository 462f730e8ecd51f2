package dev.av.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Picks the TLS engine: BoringSSL through netty-tcnative when it loads (about 2x cheaper per
 * handshake than JSSE here), JSSE otherwise. {@code preferNative=false} forces JSSE.
 */
public final class TlsProviders {

    private TlsProviders() {
    }

    public static SslProvider choose(boolean preferNative) {
        return preferNative && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}

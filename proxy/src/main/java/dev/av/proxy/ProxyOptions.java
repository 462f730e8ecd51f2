package dev.av.proxy;

import dev.av.proxy.tls.ProxyCa;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Everything {@link ProxyServer} needs: listeners, the CA and the ports. Built with {@link #builder()};
 * configuration arrives here, nothing in the proxy reads the environment.
 */
public record ProxyOptions(InetSocketAddress bind, InetSocketAddress tlsBind, Supplier<ProxyCa> ca, ProxyAuthenticator authenticator,
                           AccessPolicy policy, ServiceCatalog services, CredentialSource credentials,
                           SettingsSource settings, ProxyAuditSink audit, HostResolver resolver, Executor blocking,
                           InstantSource clock, boolean preferNativeTls, int eventLoopThreads,
                           boolean fastPath) {

    public ProxyOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(audit, "audit");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: 127.0.0.1:14322, no TLS listener, system resolver, virtual threads, native TLS when
     * available, the synchronous fast path on (a request whose every step is answered from memory is
     * planned on the event loop; see {@code docs/proxy.md}, "Threading").
     */
    public static final class Builder {
        private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 14322);
        private InetSocketAddress tlsBind;
        private Supplier<ProxyCa> ca;
        private ProxyAuthenticator authenticator;
        private AccessPolicy policy;
        private ServiceCatalog services;
        private CredentialSource credentials;
        private SettingsSource settings = () -> ProxySettings.DEFAULTS;
        private ProxyAuditSink audit = new ProxyAuditSink() {
            @Override
            public void record(ProxyAuditEvent event) {
            }

            @Override
            public boolean recordsWithoutBlocking() {
                return true;
            }
        };
        private HostResolver resolver = HostResolver.system();
        private Executor blocking;
        private InstantSource clock = InstantSource.system();
        private boolean preferNativeTls = true;
        private int eventLoopThreads;
        private boolean fastPath = true;

        public Builder bind(InetSocketAddress v) { bind = v; return this; }
        public Builder tlsBind(InetSocketAddress v) { tlsBind = v; return this; }
        public Builder ca(ProxyCa v) { ca = () -> v; return this; }
        /** The CA, fetched on first need (e.g. once av is unsealed); may throw while it is unavailable. */
        public Builder caSource(Supplier<ProxyCa> v) { ca = v; return this; }
        public Builder authenticator(ProxyAuthenticator v) { authenticator = v; return this; }
        public Builder policy(AccessPolicy v) { policy = v; return this; }
        public Builder services(ServiceCatalog v) { services = v; return this; }
        public Builder credentials(CredentialSource v) { credentials = v; return this; }
        public Builder settings(SettingsSource v) { settings = v; return this; }
        public Builder audit(ProxyAuditSink v) { audit = v; return this; }
        public Builder resolver(HostResolver v) { resolver = v; return this; }
        public Builder blocking(Executor v) { blocking = v; return this; }
        public Builder clock(InstantSource v) { clock = v; return this; }
        public Builder preferNativeTls(boolean v) { preferNativeTls = v; return this; }
        public Builder eventLoopThreads(int v) { eventLoopThreads = v; return this; }
        /** false: every request is planned on the blocking executor (tests compare both paths). */
        public Builder fastPath(boolean v) { fastPath = v; return this; }

        public ProxyOptions build() {
            return new ProxyOptions(bind, tlsBind, ca, authenticator, policy, services, credentials, settings, audit, resolver,
                    blocking != null ? blocking : Executors.newVirtualThreadPerTaskExecutor(), clock, preferNativeTls,
                    eventLoopThreads, fastPath);
        }
    }
}

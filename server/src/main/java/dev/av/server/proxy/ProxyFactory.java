package dev.av.server.proxy;

import dev.av.audit.AuditBroker;
import dev.av.proxy.ProxyAuditSink;
import dev.av.registry.keyring.Barrier;
import dev.av.registry.token.TokenStore;
import dev.av.server.ServerConfig;
import dev.av.server.auth.Authorizer;
import dev.av.server.auth.PolicyStore;
import dev.av.server.auth.RequestGuard;
import dev.av.server.http.RequestPipeline;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;

/** Assembles the proxy area: store, CA keeper, the proxy itself (started with the context) and its API. */
@Factory
public class ProxyFactory {

    @Singleton
    ProxyStore proxyStore(DataSource ds, Clock clock) {
        return new ProxyStore(ds, clock);
    }

    @Singleton
    ProxyCaKeeper proxyCaKeeper(DataSource ds, Barrier barrier, Clock clock) {
        return new ProxyCaKeeper(ds, barrier, clock);
    }

    @Context
    @Bean(preDestroy = "close")
    ProxyService proxyService(ServerConfig config, ProxyStore store, ProxyCaKeeper ca, TokenStore tokens, Barrier barrier,
                              Clock clock, Authorizer authorizer, List<RequestGuard> guards, Provider<RequestPipeline> pipeline,
                              PolicyStore policies, BeanContext context) {
        ProxyAuditSink audit = context.findBean(AuditBroker.class)
                .<ProxyAuditSink>map(b -> new BrokerAuditSink(b,
                        context.findBean(DataSource.class).map(dev.av.registry.agent.DelegationStore::new).orElse(null)))
                .orElse(e -> { });
        return new ProxyService(config, store, ca, tokens, barrier, clock, authorizer, guards, pipeline, policies, audit);
    }

    @Singleton
    ProxyBackend proxyBackend(ProxyStore store, Provider<ProxyService> service, Authorizer authorizer, TokenStore tokens,
                              BeanContext context) {
        return new ProxyBackend(store, service, authorizer, tokens, context);
    }
}

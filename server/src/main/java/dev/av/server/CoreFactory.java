package dev.av.server;

import dev.av.registry.keyring.Barrier;
import dev.av.registry.keyring.Keyring;
import dev.av.registry.storage.Database;
import dev.av.registry.storage.Invalidations;
import dev.av.registry.token.TokenStore;
import dev.av.server.audit.AuditHook;
import dev.av.server.auth.AclEngine;
import dev.av.server.auth.AgentFacts;
import dev.av.server.auth.Authorizer;
import dev.av.server.auth.PolicyStore;
import dev.av.server.auth.RequestGuard;
import dev.av.server.http.RequestPipeline;
import dev.av.server.http.Router;
import dev.av.server.logical.BackendFactory;
import dev.av.server.logical.RoutedBackend;
import dev.av.server.mount.MountTable;
import dev.av.server.sys.SysBackend;
import dev.av.server.token.TokenBackend;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Assembles the plain-Java core (storage, keyring, tokens, policies, mounts) as beans. Other areas
 * inject {@link DataSource}, {@link Barrier}, {@link TokenStore}, {@link Clock}, {@link Authorizer}.
 */
@Factory
public class CoreFactory {

    @Singleton
    @Bean(preDestroy = "close")
    Database database(ServerConfig config) {
        return Database.open(config.storage());
    }

    /** Other nodes' writes, on PostgreSQL; nothing on H2 (see {@link CacheCoherence}). */
    @Singleton
    @Bean(preDestroy = "close")
    Invalidations invalidations(Database database) {
        return Invalidations.forStorage(database.settings());
    }

    @Singleton
    DataSource dataSource(Database database) {
        return database.dataSource();
    }

    @Singleton
    Clock clock(ServerConfig config) {
        return config.clock();
    }

    @Singleton
    Keyring keyring(DataSource ds, ServerConfig config) {
        return new Keyring(ds, config.clock(), config.kdf());
    }

    @Singleton
    Barrier barrier(Keyring keyring) {
        return keyring;
    }

    @Singleton
    TokenStore tokenStore(DataSource ds, ServerConfig config) {
        return new TokenStore(ds, config.clock(), config.defaultLeaseTtl(), config.maxLeaseTtl());
    }

    @Singleton
    PolicyStore policyStore(DataSource ds, ServerConfig config) {
        return new PolicyStore(ds, config.clock());
    }

    /** Vault's ACL from the policy module. */
    @Singleton
    AclEngine aclEngine() {
        return new dev.av.server.auth.PolicyModuleAclEngine();
    }

    @Singleton
    Authorizer authorizer(PolicyStore policies, AclEngine acl, Clock clock, AgentFacts agents) {
        return new Authorizer(policies, acl, clock, agents);
    }

    @Singleton
    MountTable mountTable(DataSource ds, ServerConfig config, List<BackendFactory> factories) {
        Map<String, BackendFactory> byType = new HashMap<>();
        for (BackendFactory f : factories) {
            if (byType.put(f.type(), f) != null) {
                throw new IllegalStateException("two BackendFactory beans for mount type " + f.type());
            }
        }
        return new MountTable(ds, config.clock(), byType);
    }

    @Singleton
    SysBackend sysBackend(Keyring keyring, TokenStore tokens, MountTable mounts, PolicyStore policies,
                          Authorizer authorizer, ServerConfig config) {
        return new SysBackend(keyring, tokens, mounts, policies, authorizer, config);
    }

    @Singleton
    TokenBackend tokenBackend(TokenStore tokens, Authorizer authorizer) {
        return new TokenBackend(tokens, authorizer);
    }

    @Singleton
    Router router(List<RoutedBackend> routed, MountTable mounts) {
        return new Router(routed, mounts);
    }

    @Singleton
    RequestPipeline pipeline(Router router, TokenStore tokens, Keyring keyring, Authorizer authorizer,
                             List<RequestGuard> guards, List<AuditHook> hooks, Clock clock) {
        return new RequestPipeline(router, tokens, keyring, authorizer, guards, hooks, clock);
    }
}

package dev.av.audit;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Opens devices for tests with a known salt and a fresh signing key. */
final class Devices {

    static final byte[] SALT = "test-salt".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private Devices() {
    }

    static AuditDevice open(String name, String type, Map<String, String> options, Path spoolDir) {
        return AuditDevices.open(name, type, "", options,
                new AuditDevices.Context(SALT, AuditDevices.newSigningKey(), spoolDir, Clock.systemUTC()));
    }

    static AuditDevice file(String name, Path file, Map<String, String> extra) {
        var opts = new java.util.HashMap<>(extra);
        opts.put("file_path", file.toString());
        return open(name, "file", opts, file.resolveSibling(name + "-spool"));
    }

    static AuditEvent request(String agent, boolean allowed) {
        return AuditEvent.request("req-" + System.nanoTime())
                .auth(AuditEvent.Auth.of("tok-" + agent, "acc-" + agent, "token-" + agent, java.util.List.of("default")))
                .actor(AuditEvent.Actor.agent(agent))
                .decision(allowed ? AuditEvent.Decision.allow(java.util.List.of("default"))
                        : AuditEvent.Decision.deny("permission denied", java.util.List.of()))
                .operation("read").path("secret/data/app").mount("secret/", "kv", "kv_1")
                .build();
    }
}

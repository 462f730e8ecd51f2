#!/usr/bin/env python3
"""Where av's proxy spends its CPU, from a JFR recording (benchmarks/proxy/run.sh with JFR=1).

Usage: jfr print --json --events jdk.ExecutionSample av.jfr | python3 jfr-areas.py
Prints the inclusive share of Java execution samples per area (a sample counts for every area on
its stack, so shares add up to more than 100 %), then the top self-time frames.
"""
import json
import sys
from collections import Counter

# (area, predicate on "class.method")
AREAS = [
    ("TLS (netty SslHandler + BoringSSL/JSSE glue)", ("io.netty.handler.ssl.", "io.netty.internal.tcnative.", "sun.security.ssl.")),
    ("HTTP/1.1 codec (parse + encode, both sides)", ("io.netty.handler.codec.http.",)),
    ("proxy pipeline (ClientHandler, UpstreamHandler, pool)", ("dev.av.proxy.internal.ClientHandler", "dev.av.proxy.internal.UpstreamHandler",
                                                         "dev.av.proxy.internal.UpstreamPool", "dev.av.proxy.internal.ProxyRuntime")),
    ("planner, all steps (dev.av.proxy.internal.Planner)", ("dev.av.proxy.internal.Planner.",)),
    ("  authentication (token cache / store)", ("dev.av.server.proxy.TokenAuthenticator", "dev.av.registry.token.")),
    ("  policy (ACL, Cedar, guards)", ("dev.av.server.proxy.AclAccessPolicy", "dev.av.server.auth.", "dev.av.policy.", "dev.av.server.agent.")),
    ("  credential read (cache, API pipeline)", ("dev.av.proxy.internal.CredentialCache", "dev.av.server.proxy.PipelineCredentialSource")),
    ("  injection (rewrite: headers, substitutions)", ("dev.av.proxy.internal.Planner.rewrite",)),
    ("  path normalisation", ("dev.av.proxy.internal.PathNormaliser",)),
    ("  egress guard (resolve + check)", ("dev.av.proxy.internal.EgressGuard",)),
    ("audit (sink, broker, devices)", ("dev.av.audit.", "dev.av.server.audit.", "dev.av.server.proxy.BrokerAuditSink")),
    ("response scrubbing", ("dev.av.proxy.internal.StreamReplacer",)),
    ("executor hop (virtual threads, ForkJoinPool, CompletableFuture)", ("java.lang.VirtualThread", "java.util.concurrent.ForkJoin",
                                                                     "java.util.concurrent.CompletableFuture")),
    ("Netty transport, buffers, event loop", ("io.netty.channel.", "io.netty.buffer.", "io.netty.util.")),
    ("socket I/O (sun.nio.ch)", ("sun.nio.ch.",)),
]


def name(f):
    m = f.get("method") or {}
    t = (m.get("type") or {}).get("name") or "?"
    return t.replace("/", ".") + "." + (m.get("name") or "?")


def main():
    events = json.load(sys.stdin)["recording"]["events"]
    inclusive, top, total = Counter(), Counter(), 0
    for e in events:
        frames = ((e["values"].get("stackTrace") or {}).get("frames")) or []
        if not frames:
            continue
        total += 1
        names = [name(f) for f in frames]
        top[names[0]] += 1
        for area, prefixes in AREAS:
            if any(n.startswith(p) for n in names for p in prefixes):
                inclusive[area] += 1
    print(f"{total} Java execution samples")
    print("| area | share |\n|---|---:|")
    for area, _ in AREAS:
        print(f"| {area} | {100.0 * inclusive[area] / max(total, 1):.1f} % |")
    print("\ntop self-time frames:")
    for n, c in top.most_common(15):
        print(f"  {100.0 * c / max(total, 1):5.1f} %  {n}")


if __name__ == "__main__":
    main()

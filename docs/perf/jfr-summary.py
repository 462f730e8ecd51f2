#!/usr/bin/env python3
"""Summarise JFR execution samples: where av's CPU time goes.

Usage: jfr print --json --events jdk.ExecutionSample rec.jfr | python3 jfr-summary.py [thread-substring]
Prints (1) inclusive share per area (a sample counts for every area on its stack) and
(2) the top self-time methods (top frame of each sample).
"""
import json
import sys
from collections import Counter

AREAS = [
    ("kv engine (dev.av.secrets.kv)", ("dev.av.secrets.kv.",)),
    ("H2 / JDBC", ("org.h2.", "com.zaxxer.hikari.")),
    ("PostgreSQL driver", ("org.postgresql.",)),
    ("AES-GCM (barrier)", ("com.sun.crypto.", "javax.crypto.", "dev.av.registry.keyring.")),
    ("token lookup (dev.av.registry.token)", ("dev.av.registry.token.",)),
    ("policy check (dev.av.policy, dev.av.server.auth)", ("dev.av.policy.", "dev.av.server.auth.")),
    ("audit", ("dev.av.audit.", "dev.av.server.audit.")),
    ("JSON (Jackson)", ("com.fasterxml.jackson.",)),
    ("av HTTP pipeline (dev.av.server.http)", ("dev.av.server.http.",)),
    ("Micronaut", ("io.micronaut.",)),
    ("Netty", ("io.netty.",)),
]

def main():
    wanted = sys.argv[1] if len(sys.argv) > 1 else None
    doc = json.load(sys.stdin)
    events = doc["recording"]["events"]
    inclusive = Counter()
    top = Counter()
    total = 0
    for e in events:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName") or ""
        if wanted and wanted not in thread:
            continue
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        total += 1
        names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]
        top[names[0]] += 1
        seen = set()
        for area, prefixes in AREAS:
            if any(n.startswith(p) for n in names for p in prefixes):
                seen.add(area)
        for a in seen:
            inclusive[a] += 1
    print(f"samples: {total}")
    print("\ninclusive share by area (a sample counts for every area on its stack):")
    for area, _ in AREAS:
        if inclusive[area]:
            print(f"  {100.0 * inclusive[area] / total:5.1f}%  {area}")
    print("\ntop self-time methods:")
    for name, n in top.most_common(15):
        print(f"  {100.0 * n / total:5.1f}%  {name}")

if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Where the proxy's event loops spend their CPU, from an async-profiler "collapsed" profile.

Usage: profile-areas.py PROFILE.collapsed

Takes the samples of the proxy's event-loop threads (async-profiler run with `threads`, so the first
frame names the thread), and gives each sample one area: kernel samples by the system call they are
in (a send on loopback also delivers the data to the peer's socket and wakes it), others by the
nearest frame, from the leaf up, that belongs to an area (so a HashMap lookup in the planner is the
planner's, a buffer copy inside the TLS handler is TLS's, a pipeline write made by the proxy's
handler is the handler's until it reaches the codec or TLS); what is left is Netty's own.
Prints each area's share of the samples.
"""
import collections
import sys

JAVA_AREAS = [  # first match from the leaf up wins
    ("audit (entries, HMAC, broker, tail ring)", ("dev/av/audit/", "BrokerAuditSink", "dev/av/server/audit/")),
    ("policy (ACL, Cedar, agent guard, use check)", ("AclAccessPolicy", "dev/av/server/auth/", "dev/av/policy/",
                                                     "dev/av/registry/agent/", "dev/av/server/agent/")),
    ("authentication (token cache, SHA-256)", ("TokenAuthenticator", "dev/av/registry/token/", "authenticateIfCached")),
    ("planner: path, service, injection, egress", ("dev/av/proxy/internal/Planner", "PathNormaliser", "EgressGuard")),
    ("TLS (SslHandler, BoringSSL via JNI)", ("io/netty/handler/ssl/", "io/netty/internal/tcnative/")),
    ("HTTP/1.1 codec", ("io/netty/handler/codec/http/HttpObject", "io/netty/handler/codec/http/HttpHeaders",
                        "io/netty/handler/codec/http/DefaultHttpHeaders")),
    ("proxy handlers (exchange, headers, scrubbing, pool; with the Netty calls they make)", ("dev/av/proxy/",)),
]
KERNEL = [
    ("kernel: send (TCP on loopback, incl. delivery to the peer)", ("sys_sendto", "sys_sendmsg", "sys_write")),
    ("kernel: receive", ("sys_recvfrom", "sys_recvmsg", "sys_read")),
    ("kernel: epoll (wait, wake-ups, interest changes)", ("epoll",)),
]


def area(frames):
    leaf = frames[-1]
    if leaf.endswith("_[k]"):
        for name, keys in KERNEL:
            if any(k in f for f in frames for k in keys):
                return name
        return "kernel: other (scheduling, interrupts, futex)"
    for f in reversed(frames):
        for name, keys in JAVA_AREAS:
            if any(k in f for k in keys):
                return name
    if any(f.startswith("io/netty/") for f in frames):
        return "Netty transport, buffers, event loop (before any handler)"
    if "/" not in leaf:
        return "native/JVM other (libc, JIT stubs, GC barriers)"
    return "JDK, outside any area"


def thread_group(name):
    for key, group in (("multiThreadIo", "proxy event loops"), ("audit-writer", "audit device writers"),
                       ("CompilerThre", "JIT compilers"), ("GC Thread", "garbage collector"),
                       ("ForkJoinPool", "executor (virtual threads, pools)")):
        if key in name:
            return group
    return "other threads (start-up, API, timers)"


def main(path):
    counts = collections.Counter()
    threads = collections.Counter()
    total = 0
    for line in open(path, encoding="utf-8", errors="replace"):
        stack, _, n = line.rstrip().rpartition(" ")
        frames = stack.split(";")
        threads[thread_group(frames[0])] += int(n)
        if "EventLoopGroup" not in frames[0] or "multiThreadIo" not in frames[0]:
            continue
        total += int(n)
        counts[area(frames[1:])] += int(n)
    all_samples = sum(threads.values())
    print("| threads | share of all samples |")
    print("|---|---:|")
    for name, c in threads.most_common():
        print("| %s | %.1f %% |" % (name, 100.0 * c / all_samples))
    print()
    print("| area | share of event-loop CPU |")
    print("|---|---:|")
    for name, c in counts.most_common():
        print("| %s | %.1f %% |" % (name, 100.0 * c / total))
    print("\n%d event-loop samples" % total)


if __name__ == "__main__":
    main(sys.argv[1])

package dev.av.server.http;

import dev.av.core.AvException;
import dev.av.server.logical.Backend;
import dev.av.server.logical.MountEntry;
import dev.av.server.logical.RoutedBackend;
import dev.av.server.mount.MountTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Finds the backend for an API path: the longest prefix among routed backends and mounts. */
public final class Router {

    /** Where a request goes. */
    public record Route(String prefix, Backend backend, String type, String accessor, MountEntry mount) {
    }

    private final List<RoutedBackend> routed;
    private final MountTable mounts;

    public Router(List<RoutedBackend> routed, MountTable mounts) {
        List<RoutedBackend> sorted = new ArrayList<>(routed);
        sorted.sort(Comparator.comparingInt((RoutedBackend r) -> r.prefix().length()).reversed());
        Set<String> seen = new HashSet<>();
        for (RoutedBackend r : sorted) {
            if (!r.prefix().endsWith("/") || !seen.add(r.prefix())) {
                throw new IllegalStateException("routed backend prefix must end in / and be unique: " + r.prefix());
            }
        }
        this.routed = List.copyOf(sorted);
        this.mounts = mounts;
        Set<String> reserved = new HashSet<>(seen);
        mounts.reserve(reserved);
    }

    public Route resolve(String path) {
        String probe = path.endsWith("/") ? path : path + "/";
        RoutedBackend bestRouted = null;
        for (RoutedBackend r : routed) {
            if (probe.startsWith(r.prefix())) {
                bestRouted = r;
                break;
            }
        }
        MountEntry m = mounts.match(path);
        if (m != null && (bestRouted == null || m.path().length() > bestRouted.prefix().length())) {
            return new Route(m.path(), null, m.type(), m.accessor(), m);
        }
        if (bestRouted != null) {
            return new Route(bestRouted.prefix(), bestRouted, bestRouted.type(), "", null);
        }
        throw AvException.notFound("no handler for route \"" + shorten(path) + "\". route entry not found.");
    }

    /** The backend of a route (a mount's backend is created on first use). */
    public Backend backend(Route route) {
        return route.backend() != null ? route.backend() : mounts.backend(route.mount());
    }

    public MountTable mounts() {
        return mounts;
    }

    static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}

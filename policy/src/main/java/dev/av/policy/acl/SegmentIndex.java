package dev.av.policy.acl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The segment-wildcard rules ({@code a/+/b}, {@code a/+/b*}) as a trie over path segments, with a
 * {@code +} edge per node. Matching walks only the literal and {@code +} edges a path can take, so
 * its cost depends on the path's depth, not on the number of rules.
 */
final class SegmentIndex {

    private static final class Node {
        final Map<String, Node> literal = new HashMap<>(4);
        Node plus;
        /** Rules without a trailing '*' that end at this depth. */
        final List<Permissions> exact = new ArrayList<>(1);
        /** Rules with a trailing '*': the last (partial) segment and the rule. */
        final List<String> globParts = new ArrayList<>(1);
        final List<Permissions> globs = new ArrayList<>(1);
    }

    private final Node root = new Node();
    private final boolean empty;

    SegmentIndex(Map<String, Permissions> rules) {
        for (Permissions p : rules.values()) {
            List<String> parts = PolicyTemplate.split(p.descrPattern, "/");
            int walk = p.isPrefix ? parts.size() - 1 : parts.size();
            Node n = root;
            for (int i = 0; i < walk; i++) {
                String part = parts.get(i);
                if (part.equals("+")) {
                    if (n.plus == null) {
                        n.plus = new Node();
                    }
                    n = n.plus;
                } else {
                    n = n.literal.computeIfAbsent(part, k -> new Node());
                }
            }
            if (p.isPrefix) {
                n.globParts.add(parts.get(parts.size() - 1));
                n.globs.add(p);
            } else {
                n.exact.add(p);
            }
        }
        empty = rules.isEmpty();
    }

    /** Calls {@code sink} for every rule matching the path (split on '/'). */
    void match(String[] parts, Consumer<Permissions> sink) {
        if (!empty) {
            walk(root, parts, 0, sink);
        }
    }

    private static void walk(Node n, String[] parts, int i, Consumer<Permissions> sink) {
        if (i == parts.length) {
            for (Permissions p : n.exact) {
                sink.accept(p);
            }
            return;
        }
        String part = parts[i];
        for (int g = 0; g < n.globs.size(); g++) {
            if (part.startsWith(n.globParts.get(g))) {
                sink.accept(n.globs.get(g));
            }
        }
        Node lit = n.literal.get(part);
        if (lit != null) {
            walk(lit, parts, i + 1, sink);
        }
        if (n.plus != null) {
            walk(n.plus, parts, i + 1, sink);
        }
    }

    /** Go's strings.Split(path, "/") without regular expressions. */
    static String[] split(String path) {
        int count = 1;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                count++;
            }
        }
        String[] out = new String[count];
        int from = 0;
        int k = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                out[k++] = path.substring(from, i);
                from = i + 1;
            }
        }
        out[k] = path.substring(from);
        return out;
    }
}

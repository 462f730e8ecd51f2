package dev.av.policy.acl;

import java.util.Arrays;
import java.util.Map;

/**
 * An immutable character trie answering "the longest stored key that is a prefix of this path" in
 * time linear in the path's length, independent of the number of keys.
 */
final class PrefixTrie {

    private static final class Node {
        char[] keys = new char[0];
        Node[] children = new Node[0];
        Permissions value;

        Node child(char c) {
            int i = Arrays.binarySearch(keys, c);
            return i >= 0 ? children[i] : null;
        }

        Node childOrAdd(char c) {
            int i = Arrays.binarySearch(keys, c);
            if (i >= 0) {
                return children[i];
            }
            int at = -i - 1;
            char[] k = new char[keys.length + 1];
            Node[] ch = new Node[children.length + 1];
            System.arraycopy(keys, 0, k, 0, at);
            System.arraycopy(children, 0, ch, 0, at);
            k[at] = c;
            Node n = new Node();
            ch[at] = n;
            System.arraycopy(keys, at, k, at + 1, keys.length - at);
            System.arraycopy(children, at, ch, at + 1, children.length - at);
            keys = k;
            children = ch;
            return n;
        }
    }

    private final Node root = new Node();
    private final boolean empty;

    PrefixTrie(Map<String, Permissions> rules) {
        for (Map.Entry<String, Permissions> e : rules.entrySet()) {
            Node n = root;
            String key = e.getKey();
            for (int i = 0; i < key.length(); i++) {
                n = n.childOrAdd(key.charAt(i));
            }
            n.value = e.getValue();
        }
        empty = rules.isEmpty();
    }

    /** The rule with the longest key that {@code path} starts with, or null. */
    Permissions longestPrefix(String path) {
        if (empty) {
            return null;
        }
        Node n = root;
        Permissions best = n.value;
        for (int i = 0; i < path.length(); i++) {
            n = n.child(path.charAt(i));
            if (n == null) {
                break;
            }
            if (n.value != null) {
                best = n.value;
            }
        }
        return best;
    }
}

package dev.av.cli.kv;

import dev.av.cli.UsageException;

/**
 * A KV v2 path as {@code av kv} takes it: {@code secret/app/db} is mount {@code secret/} and key
 * {@code app/db}; with {@code -mount=secret} the argument is the key alone. The API paths are
 * {@code <mount>/data/<key>}, {@code <mount>/metadata/<key>}, and so on.
 */
record KvPath(String mount, String key) {

    static KvPath of(String mountFlag, String arg) {
        String a = strip(arg);
        if (mountFlag != null && !mountFlag.isBlank()) {
            return new KvPath(strip(mountFlag), a);
        }
        int slash = a.indexOf('/');
        if (slash <= 0) {
            if (a.isEmpty()) {
                throw new UsageException("Error: missing path; give it as MOUNT/KEY (e.g. secret/app) or use -mount");
            }
            return new KvPath(a, "");
        }
        return new KvPath(a.substring(0, slash), a.substring(slash + 1));
    }

    private static String strip(String s) {
        String t = s == null ? "" : s.trim();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/") && t.length() > 1 && !t.equals("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.equals("/") ? "" : t;
    }

    /** {@code <mount>/<section>/<key>}, e.g. {@code secret/data/app}. */
    String api(String section) {
        return key.isEmpty() ? mount + "/" + section : mount + "/" + section + "/" + key;
    }

    void requireKey() {
        if (key.isEmpty()) {
            throw new UsageException("Error: missing secret key after the mount " + mount
                    + "/ (e.g. " + mount + "/app)");
        }
    }
}

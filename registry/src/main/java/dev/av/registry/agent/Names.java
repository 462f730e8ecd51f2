package dev.av.registry.agent;

import dev.av.core.AvException;
import java.util.regex.Pattern;

/** Name rules for registry objects: 3-64 characters of {@code [a-z0-9-]}. */
public final class Names {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{3,64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private Names() {
    }

    /** Checks an agent, user or scope name; {@code what} is "agent", "user" or "scope". */
    public static String check(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw AvException.badRequest(what + " name is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw AvException.badRequest("invalid " + what + " name \"" + shorten(name)
                    + "\": use 3-64 characters of a-z, 0-9 and '-'");
        }
        return name;
    }

    /** Checks a delegation id: 1-128 characters of letters, digits, '.', '_' and '-'. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw AvException.badRequest("invalid delegation id \"" + shorten(id == null ? "" : id)
                    + "\": use 1-128 characters of letters, digits, '.', '_' and '-'");
        }
        return id;
    }

    static String shorten(String s) {
        return s.length() > 70 ? s.substring(0, 70) + "..." : s;
    }
}

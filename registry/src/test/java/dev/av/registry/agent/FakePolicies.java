package dev.av.registry.agent;

import dev.av.core.AvException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny stand-in for the ACL engine in the registry's unit tests: a policy is lines of
 * {@code path capability,capability}; a path ending in {@code *} is a prefix. A scope body uses the
 * same form. (The server tests use the real engine.)
 */
final class FakePolicies implements PolicyOracle {

    private final Map<String, String> named = new HashMap<>();

    FakePolicies put(String name, String body) {
        named.put(name, body);
        return this;
    }

    @Override
    public boolean allows(List<String> policies, String path, String capability) {
        if (policies.contains("root")) {
            return true;
        }
        for (String p : policies) {
            String body = named.get(p);
            if (body != null && bodyAllows(body, path, capability)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean bodyAllows(String body, String path, String capability) {
        for (String line : body.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            String pattern = parts[0];
            boolean match = pattern.endsWith("*") ? path.startsWith(pattern.substring(0, pattern.length() - 1))
                    : path.equals(pattern);
            if (match && List.of(parts[1].split(",")).contains(capability)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void validateBody(String body) {
        for (String line : body.split("\n")) {
            if (!line.isBlank() && line.trim().split("\\s+").length != 2) {
                throw AvException.badRequest("failed to parse policy: bad line \"" + line.trim() + "\"");
            }
        }
    }
}

package dev.av.secrets.database;

import dev.av.core.Secret;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@code config/:name} entry: how av reaches one database as its administrator. */
record DatabaseConnection(String name, String pluginName, String connectionUrl, String username, Secret password,
                          List<String> allowedRoles, boolean verifyConnection) {

    static final String POSTGRES_PLUGIN = "postgresql-database-plugin";

    DatabaseConnection {
        allowedRoles = List.copyOf(allowedRoles);
    }

    ConnectionUrl url() {
        return ConnectionUrl.parse(connectionUrl, username, password == null ? null : password.reveal());
    }

    boolean allows(String role) {
        for (String pattern : allowedRoles) {
            if (pattern.equals("*") || pattern.equals(role) || globMatches(pattern, role)) {
                return true;
            }
        }
        return false;
    }

    /** Vault's read shape; the password is never returned. */
    Map<String, Object> toResponse() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("connection_url", connectionUrl);
        details.put("username", username == null ? "" : username);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("allowed_roles", allowedRoles);
        out.put("connection_details", details);
        out.put("password_policy", "");
        out.put("plugin_name", pluginName);
        out.put("plugin_version", "");
        out.put("root_credentials_rotate_statements", List.of());
        out.put("verify_connection", verifyConnection);
        return out;
    }

    private static boolean globMatches(String pattern, String value) {
        if (!pattern.contains("*")) {
            return false;
        }
        String[] parts = pattern.split("\\*", -1);
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == 0) {
                if (!value.startsWith(part)) {
                    return false;
                }
                at = part.length();
            } else if (i == parts.length - 1) {
                return value.length() - part.length() >= at && value.endsWith(part);
            } else {
                int found = value.indexOf(part, at);
                if (found < 0) {
                    return false;
                }
                at = found + part.length();
            }
        }
        return at == value.length();
    }

    @Override
    public String toString() {
        return "DatabaseConnection[" + name + ", " + pluginName + "]";
    }
}

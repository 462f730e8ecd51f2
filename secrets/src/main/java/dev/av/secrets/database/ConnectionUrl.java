package dev.av.secrets.database;

import dev.av.core.AvException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Vault's PostgreSQL {@code connection_url} ({@code postgresql://{{username}}:{{password}}@host:5432/db?sslmode=disable},
 * also {@code postgres://} and {@code jdbc:postgresql://}) into a JDBC URL without credentials plus
 * connection properties. Credentials never go into the URL, so they cannot appear in driver errors.
 */
record ConnectionUrl(String jdbcUrl, Properties properties) {

    private static final Pattern URL = Pattern.compile(
            "^(?:jdbc:)?postgres(?:ql)?://(?:([^@/]*)@)?([^/?]+)(/[^?]*)?(?:\\?(.*))?$");

    static ConnectionUrl parse(String template, String username, String password) {
        if (template == null || template.isBlank()) {
            throw AvException.badRequest("connection_url is required");
        }
        Matcher m = URL.matcher(template.trim());
        if (!m.matches()) {
            throw AvException.badRequest("connection_url must look like postgresql://{{username}}:{{password}}@host:5432/database");
        }
        String userInfo = m.group(1);
        String user = username;
        String pass = password;
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String u = colon < 0 ? userInfo : userInfo.substring(0, colon);
            String p = colon < 0 ? null : userInfo.substring(colon + 1);
            if (!u.equals("{{username}}")) {
                user = decode(u);
            }
            if (p != null && !p.equals("{{password}}")) {
                pass = decode(p);
            }
        }
        String hostPort = m.group(2);
        String db = m.group(3) == null || m.group(3).length() <= 1 ? "/postgres" : m.group(3);
        Properties props = new Properties();
        Map<String, String> params = new LinkedHashMap<>();
        if (m.group(4) != null) {
            for (String kv : m.group(4).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    params.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
                }
            }
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            switch (e.getKey()) {
                case "sslmode" -> props.setProperty("sslmode", e.getValue());
                case "connect_timeout" -> props.setProperty("connectTimeout", e.getValue());
                case "sslrootcert" -> props.setProperty("sslrootcert", e.getValue());
                case "application_name" -> props.setProperty("ApplicationName", e.getValue());
                default -> { } // libpq options pgjdbc does not know are ignored, as lib/pq ignores unknown ones
            }
        }
        props.putIfAbsent("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", "30");
        if (user != null && !user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (pass != null) {
            props.setProperty("password", pass);
        }
        return new ConnectionUrl("jdbc:postgresql://" + hostPort + db, props);
    }

    /** Where it points, for messages: no credentials. */
    String display() {
        return jdbcUrl.substring("jdbc:".length());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ConnectionUrl[" + display() + "]";
    }
}

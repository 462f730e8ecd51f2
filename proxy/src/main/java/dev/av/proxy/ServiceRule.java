package dev.av.proxy;

import dev.av.core.AvException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A service: which upstream ({@code scheme://host:port}) av injects a credential for, and how.
 * The field names of {@link #fromMap} / {@link #toMap} are the API's ({@code proxy/services/:name})
 * and are stable. {@code host} is exact or a single-level wildcard ({@code *.example.com} matches
 * {@code api.example.com}, not {@code a.b.example.com} and not {@code example.com}). A credential is
 * bound to scheme, host and port: an {@code http} service needs {@code allow_plaintext=true}.
 */
public record ServiceRule(String name, String host, int port, String scheme, boolean allowPlaintext,
                          Set<String> methods, List<String> paths, AuthType auth, CredentialRef credential,
                          CredentialRef usernameCredential, String header, String queryParam, String template,
                          List<Substitution> substitutions, String upstreamCa) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");
    public static final String TEMPLATE_VARIABLE = "{{ credential }}";

    public ServiceRule {
        methods = Set.copyOf(methods);
        paths = List.copyOf(paths);
        substitutions = List.copyOf(substitutions);
    }

    /** True when {@code host} (lower case) matches this service's host rule. */
    public boolean matchesHost(String candidate) {
        if (host.startsWith("*.")) {
            String suffix = host.substring(1);
            if (!candidate.endsWith(suffix)) {
                return false;
            }
            String label = candidate.substring(0, candidate.length() - suffix.length());
            return !label.isEmpty() && label.indexOf('.') < 0;
        }
        return host.equals(candidate);
    }

    /** The credential references this service reads (main, username, substitutions). */
    public List<CredentialRef> credentialRefs() {
        List<CredentialRef> refs = new ArrayList<>();
        if (credential != null) {
            refs.add(credential);
        }
        if (usernameCredential != null) {
            refs.add(usernameCredential);
        }
        substitutions.forEach(s -> refs.add(s.credential()));
        return refs;
    }

    /** Parses and validates the API form; throws {@link AvException} (bad request) naming the field. */
    public static ServiceRule fromMap(String name, Map<String, ?> data) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw AvException.badRequest("service name must be letters, digits, '.', '_' or '-', was \"" + name + "\"");
        }
        Set<String> known = Set.of("host", "port", "scheme", "allow_plaintext", "methods", "paths", "auth", "credential",
                "username_credential", "header", "query_param", "template", "substitutions", "upstream_ca");
        for (String key : data.keySet()) {
            if (!known.contains(key)) {
                throw AvException.badRequest("unknown service field \"" + key + "\"; known fields: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
        String host = parseHost(str(data, "host"));
        boolean plaintext = bool(data, "allow_plaintext");
        String scheme = str(data, "scheme") == null ? "https" : str(data, "scheme").toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw AvException.badRequest("scheme must be https or http, was \"" + scheme + "\"");
        }
        if (scheme.equals("http") && !plaintext) {
            throw AvException.badRequest("scheme http needs allow_plaintext=true: the credential would travel unencrypted");
        }
        int port = data.get("port") == null || str(data, "port").isEmpty() ? (scheme.equals("http") ? 80 : 443) : parsePort(str(data, "port"));
        Set<String> methods = new LinkedHashSet<>();
        for (String m : list(data, "methods")) {
            String upper = m.toUpperCase(Locale.ROOT);
            if (!METHOD.matcher(upper).matches()) {
                throw AvException.badRequest("methods: not an HTTP method: \"" + m + "\"");
            }
            methods.add(upper);
        }
        List<String> paths = list(data, "paths");
        for (String p : paths) {
            if (!p.startsWith("/") || p.contains("..") || p.contains("//") || p.indexOf('*') >= 0 && p.indexOf('*') != p.length() - 1) {
                throw AvException.badRequest("paths: each must start with '/', contain no '..' or '//', and may end with '*', was \"" + p + "\"");
            }
        }
        String authText = str(data, "auth") == null ? "bearer" : str(data, "auth");
        AuthType auth;
        try {
            auth = AuthType.valueOf(authText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AvException.badRequest("auth must be one of bearer, basic, header, query, template, passthrough, was \"" + authText + "\"");
        }
        CredentialRef credential = str(data, "credential") == null ? null : CredentialRef.parse("credential", str(data, "credential"));
        if (credential == null && auth != AuthType.PASSTHROUGH) {
            throw AvException.badRequest("auth " + authText + " needs a credential (<secret path>#<field>)");
        }
        CredentialRef username = str(data, "username_credential") == null ? null
                : CredentialRef.parse("username_credential", str(data, "username_credential"));
        if (auth == AuthType.BASIC && username == null) {
            throw AvException.badRequest("auth basic needs username_credential (<secret path>#<field>)");
        }
        String header = str(data, "header");
        if (header != null && (!TOKEN.matcher(header).matches() || Headers.isHopByHopOrProxyScoped(header))) {
            throw AvException.badRequest("header must be a valid header name and not hop-by-hop, was \"" + header + "\"");
        }
        if (auth == AuthType.HEADER && header == null) {
            throw AvException.badRequest("auth header needs header (the header name)");
        }
        String queryParam = str(data, "query_param");
        if (auth == AuthType.QUERY && (queryParam == null || queryParam.isBlank())) {
            throw AvException.badRequest("auth query needs query_param");
        }
        String template = str(data, "template");
        if (auth == AuthType.TEMPLATE && (template == null || !template.contains(TEMPLATE_VARIABLE))) {
            throw AvException.badRequest("auth template needs template containing " + TEMPLATE_VARIABLE);
        }
        List<Substitution> subs = parseSubstitutions(data.get("substitutions"));
        String ca = str(data, "upstream_ca");
        if (ca != null && !ca.isBlank()) {
            checkPem(ca);
        } else {
            ca = null;
        }
        return new ServiceRule(name, host, port, scheme, plaintext, methods, paths, auth, credential, username, header,
                queryParam, template, subs, ca);
    }

    /** The API form; holds references to credentials, never their values. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        m.put("port", port);
        m.put("scheme", scheme);
        m.put("allow_plaintext", allowPlaintext);
        m.put("methods", List.copyOf(methods));
        m.put("paths", paths);
        m.put("auth", auth.name().toLowerCase(Locale.ROOT));
        m.put("credential", credential == null ? null : credential.toString());
        m.put("username_credential", usernameCredential == null ? null : usernameCredential.toString());
        m.put("header", header);
        m.put("query_param", queryParam);
        m.put("template", template);
        List<Map<String, Object>> subs = new ArrayList<>();
        for (Substitution s : substitutions) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("placeholder", s.placeholder());
            sm.put("credential", s.credential().toString());
            sm.put("surfaces", s.surfaces().stream().map(x -> x.name().toLowerCase(Locale.ROOT)).sorted().toList());
            subs.add(sm);
        }
        m.put("substitutions", subs);
        m.put("upstream_ca", upstreamCa);
        return m;
    }

    private static String parseHost(String host) {
        if (host == null || host.isBlank()) {
            throw AvException.badRequest("host is required (e.g. api.github.com or *.example.com)");
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        String rest = h.startsWith("*.") ? h.substring(2) : h;
        if (rest.isEmpty() || (h.startsWith("*.") && rest.indexOf('.') < 0)) {
            throw AvException.badRequest("host wildcard must be a single leading label over a domain, e.g. *.example.com, was \"" + host + "\"");
        }
        boolean ipv4 = rest.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        for (String label : rest.split("\\.", -1)) {
            if (!ipv4 && !HOST_LABEL.matcher(label).matches()) {
                throw AvException.badRequest("host must be a DNS name (only a single leading '*.' wildcard), was \"" + host + "\"");
            }
        }
        return h;
    }

    private static int parsePort(String text) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw AvException.badRequest("port must be 1-65535, was \"" + text + "\"");
    }

    private static List<Substitution> parseSubstitutions(Object raw) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> items)) {
            throw AvException.badRequest("substitutions must be a list of {placeholder, credential, surfaces}");
        }
        List<Substitution> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m)) {
                throw AvException.badRequest("substitutions must be a list of {placeholder, credential, surfaces}");
            }
            @SuppressWarnings("unchecked")
            Map<String, ?> sm = (Map<String, ?>) m;
            String placeholder = str(sm, "placeholder");
            String cred = str(sm, "credential");
            if (cred == null) {
                throw AvException.badRequest("substitution " + placeholder + " needs a credential");
            }
            EnumSet<Substitution.Surface> surfaces = EnumSet.noneOf(Substitution.Surface.class);
            List<String> names = sm.get("surfaces") == null ? List.of("header") : list(sm, "surfaces");
            for (String s : names) {
                try {
                    surfaces.add(Substitution.Surface.valueOf(s.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw AvException.badRequest("substitution surface must be path, query, header or body, was \"" + s + "\"");
                }
            }
            Substitution sub = new Substitution(placeholder, CredentialRef.parse("substitution credential", cred), surfaces);
            if (!seen.add(sub.placeholder())) {
                throw AvException.badRequest("substitution placeholder " + placeholder + " appears twice");
            }
            out.add(sub);
        }
        return out;
    }

    private static void checkPem(String pem) {
        try {
            var certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw AvException.badRequest("upstream_ca holds no PEM certificate");
            }
        } catch (CertificateException e) {
            throw AvException.badRequest("upstream_ca is not a PEM certificate bundle");
        }
    }

    static String str(Map<String, ?> data, String key) {
        Object v = data.get(key);
        return v == null ? null : v.toString();
    }

    static boolean bool(Map<String, ?> data, String key) {
        Object v = data.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw AvException.badRequest(key + " must be true or false, was \"" + v + "\"");
    }

    static List<String> list(Map<String, ?> data, String key) {
        Object v = data.get(key);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x).trim()));
        } else {
            for (String s : v.toString().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }
}

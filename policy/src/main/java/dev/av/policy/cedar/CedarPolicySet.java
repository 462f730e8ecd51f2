package dev.av.policy.cedar;

import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.Context;
import com.cedarpolicy.model.DetailedError;
import com.cedarpolicy.model.ValidationRequest;
import com.cedarpolicy.model.ValidationResponse;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.InternalException;
import com.cedarpolicy.model.policy.Policy;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.model.schema.Schema;
import com.cedarpolicy.value.CedarList;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.IpAddress;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * All stored Cedar policy documents compiled into one immutable, validated policy set.
 *
 * <p>Each document (a name and its text) may hold several policies. A policy's id is its
 * {@code @id("...")} annotation, or {@code <document>/<index>} (index from 0 in document order).
 * Errors name the policy and the line in its document. When every policy is exactly
 * {@code permit(principal, action, resource);} (the fresh-install set), {@link #authorize} answers
 * without calling the native library.
 */
public final class CedarPolicySet {

    /** The text of the policy set a fresh install holds. */
    public static final String DEFAULT_TEXT = "permit(principal, action, resource);\n";
    /** The name it is stored under. */
    public static final String DEFAULT_NAME = "default";

    private static final String PERMIT_ALL = "permit(principal,action,resource);";
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static volatile Schema schema;

    private final PolicySet policySet;
    private final List<String> ids;
    private final boolean triviallyPermitting;

    private CedarPolicySet(PolicySet policySet, List<String> ids, boolean triviallyPermitting) {
        this.policySet = policySet;
        this.ids = List.copyOf(ids);
        this.triviallyPermitting = triviallyPermitting;
    }

    /** The fresh-install set: {@code permit(principal, action, resource);}. */
    public static CedarPolicySet defaultSet() {
        return compile(Map.of(DEFAULT_NAME, DEFAULT_TEXT));
    }

    /**
     * Parses and validates documents (name to text) against {@link CedarSchema} and compiles them.
     *
     * @throws CedarPolicyException listing every error with its policy id and line
     */
    public static CedarPolicySet compile(Map<String, String> documents) {
        Cedar.ensureLoaded();
        List<String> errors = new ArrayList<>();
        Map<String, Located> byId = new LinkedHashMap<>();
        for (Map.Entry<String, String> doc : new TreeMap<>(documents).entrySet()) {
            parse(doc.getKey(), doc.getValue(), byId, errors);
        }
        if (!errors.isEmpty()) {
            throw new CedarPolicyException(errors);
        }
        Set<Policy> policies = new LinkedHashSet<>();
        boolean trivial = true;
        for (Map.Entry<String, Located> e : byId.entrySet()) {
            policies.add(e.getValue().policy);
            trivial &= e.getValue().permitAll;
        }
        PolicySet set = new PolicySet(policies);
        validate(set, byId, errors);
        if (!errors.isEmpty()) {
            throw new CedarPolicyException(errors);
        }
        try {
            set.cache();
        } catch (Exception | LinkageError e) {
            // caching is an optimisation only
        }
        return new CedarPolicySet(set, new ArrayList<>(byId.keySet()), trivial && !policies.isEmpty());
    }

    /** Checks one document alone (parse and schema validation); throws {@link CedarPolicyException}. */
    public static void check(String name, String text) {
        compile(Map.of(name, text));
    }

    /** The policy ids, in document order. */
    public List<String> policyIds() {
        return ids;
    }

    /** True when the set only permits everything, so Cedar cannot change a decision. */
    public boolean isTriviallyPermitting() {
        return triviallyPermitting;
    }

    private record Located(Policy policy, String document, int line, boolean permitAll) {
    }

    private record Statement(String text, int line) {
    }

    private static void parse(String name, String text, Map<String, Located> byId, List<String> errors) {
        int index = 0;
        for (Statement st : split(text)) {
            String fallbackId = name + "/" + index++;
            Policy parsed;
            try {
                parsed = Policy.parseStaticPolicy(st.text());
            } catch (InternalException | RuntimeException e) {
                errors.add("cedar policy " + quote(fallbackId) + " in " + quote(name) + " (line " + st.line() + "): "
                        + clean(e.getMessage()));
                continue;
            }
            String id = fallbackId;
            try {
                String annotated = parsed.getAnnotation("id");
                if (annotated != null && !annotated.isEmpty()) {
                    id = annotated;
                }
            } catch (InternalException | RuntimeException e) {
                // no annotation
            }
            if (byId.containsKey(id)) {
                errors.add("cedar policy " + quote(id) + " in " + quote(name) + " (line " + st.line() + "): duplicate policy id");
                continue;
            }
            String bare = st.text().replaceAll("(?m)//.*$", "").replaceAll("\\s+", "");
            byId.put(id, new Located(new Policy(parsed.getSource(), id), name, st.line(), bare.equals(PERMIT_ALL)));
        }
    }

    private static void validate(PolicySet set, Map<String, Located> byId, List<String> errors) {
        ValidationResponse response;
        try {
            response = Cedar.engine().validate(new ValidationRequest(schema(), set));
        } catch (AuthException e) {
            errors.add("cedar validation failed: " + clean(e.getMessage()));
            return;
        }
        if (response.validationPassed()) {
            return;
        }
        if (response.success.isPresent()) {
            for (ValidationResponse.ValidationError v : response.success.get().validationErrors) {
                Located at = byId.get(v.getPolicyId());
                DetailedError d = v.getError();
                int line = at == null ? 0 : at.line() + linesBefore(at.policy().getSource(), d);
                String message = "cedar policy " + quote(v.getPolicyId()) + (at == null ? "" : " in " + quote(at.document()))
                        + " (line " + line + "): " + d.message.replaceFirst(" for Action::\"[^\"]*\"$", "");
                if (!errors.contains(message)) {
                    errors.add(message);
                }
            }
        }
        if (response.errors.isPresent()) {
            for (DetailedError d : response.errors.get()) {
                errors.add("cedar validation failed: " + d.message);
            }
        }
        if (errors.isEmpty()) {
            errors.add("cedar validation failed");
        }
    }

    private static int linesBefore(String source, DetailedError d) {
        if (d.sourceLocations.isEmpty()) {
            return 0;
        }
        int offset = Math.min(d.sourceLocations.get(0).start, source.length());
        int lines = 0;
        for (int i = 0; i < offset; i++) {
            if (source.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    static Schema schema() {
        Schema s = schema;
        if (s == null) {
            try {
                s = Schema.parse(Schema.JsonOrCedar.Cedar, CedarSchema.TEXT);
                try {
                    s.cache();
                } catch (Exception e) {
                    // optimisation only
                }
            } catch (InternalException e) {
                throw new IllegalStateException("av's Cedar schema does not parse: " + e.getMessage(), e);
            }
            schema = s;
        }
        return s;
    }

    /** Splits a document into policy statements at top-level ';' outside strings and comments. */
    static List<Statement> split(String text) {
        List<Statement> out = new ArrayList<>();
        int line = 1;
        int firstLine = -1;
        int firstOffset = -1;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                } else if (c == '\n') {
                    line++;
                }
                continue;
            }
            if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                if (i < text.length()) {
                    line++;
                }
                continue;
            }
            if (c == '\n') {
                line++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                continue;
            }
            if (firstLine < 0) {
                firstLine = line;
                firstOffset = i;
            }
            if (c == '"') {
                inString = true;
            } else if (c == ';') {
                out.add(new Statement(text.substring(firstOffset, i + 1), firstLine));
                firstLine = -1;
            }
        }
        if (firstLine >= 0) {
            out.add(new Statement(text.substring(firstOffset), firstLine));
        }
        return out;
    }

    private static String clean(String message) {
        if (message == null) {
            return "invalid policy";
        }
        return message.replace("Internal error: ", "").replace("Internal JNI Error: ", "");
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    // ------------------------------------------------------------------ authorization

    /** Asks Cedar; skips the native call for the permit-everything set. Fails closed on errors. */
    public CedarDecision authorize(CedarRequest req) {
        if (triviallyPermitting) {
            return CedarDecision.SKIPPED;
        }
        try {
            Set<Entity> entities = new HashSet<>();
            EntityUID principal = principal(req.principal(), entities);
            EntityUID resource = resource(req.path(), req.host(), entities);
            EntityUID action = uid("Action", req.action());
            Map<String, Value> ctx = new HashMap<>();
            ctx.put("operation", new PrimString(req.operation()));
            ctx.put("time", new PrimLong(req.time().getEpochSecond()));
            if (req.remoteAddress() != null && isIp(req.remoteAddress())) {
                ctx.put("remote_addr", new IpAddress(req.remoteAddress()));
            }
            if (req.principal().agentType() != null) {
                ctx.put("agent_type", new PrimString(req.principal().agentType()));
            }
            if (req.delegate() != null) {
                ctx.put("delegate", new PrimString(req.delegate()));
            }
            List<Value> scopes = new ArrayList<>();
            req.scopes().stream().sorted().forEach(s -> scopes.add(new PrimString(s)));
            ctx.put("scopes", new CedarList(scopes));
            ctx.put("proxied", new PrimBool(req.proxied()));
            if (req.httpMethod() != null) {
                ctx.put("http_method", new PrimString(req.httpMethod()));
            }
            if (req.host() != null) {
                ctx.put("host", new PrimString(req.host()));
            }
            AuthorizationRequest ar = new AuthorizationRequest(principal, action, resource, new Context(ctx));
            AuthorizationResponse response = Cedar.engine().isAuthorized(ar, policySet, entities);
            if (response.success.isEmpty()) {
                List<String> errs = new ArrayList<>();
                response.errors.ifPresent(list -> list.forEach(d -> errs.add(d.message)));
                return new CedarDecision(false, true, List.of(), errs.isEmpty() ? List.of("cedar authorization failed") : errs);
            }
            AuthorizationSuccessResponse s = response.success.get();
            List<String> errs = new ArrayList<>();
            for (AuthorizationSuccessResponse.AuthorizationError e : s.getErrors()) {
                errs.add(e.getPolicyId() + ": " + e.getError().message);
            }
            List<String> reasons = new ArrayList<>(s.getReason());
            reasons.sort(null);
            return new CedarDecision(s.isAllowed(), true, reasons, errs);
        } catch (AuthException | RuntimeException e) {
            return new CedarDecision(false, true, List.of(), List.of("cedar authorization failed: " + clean(e.getMessage())));
        }
    }

    private static boolean isIp(String s) {
        return IPV4.matcher(s).matches() || (s.indexOf(':') >= 0 && IPV6.matcher(s).matches());
    }

    private static EntityUID uid(String type, String id) {
        return new EntityUID(EntityTypeName.parse(type).orElseThrow(), id);
    }

    private static EntityUID principal(CedarRequest.Principal p, Set<Entity> entities) {
        EntityUID uid = uid(p.kind().type(), p.name());
        Set<EntityUID> parents = new HashSet<>();
        for (String g : p.groups()) {
            EntityUID group = uid("Group", g);
            parents.add(group);
            entities.add(new Entity(group));
        }
        Map<String, Value> attrs = new HashMap<>();
        Map<String, Value> tags = new HashMap<>();
        if (p.kind() == CedarRequest.Kind.AGENT) {
            attrs.put("agent_type", new PrimString(p.agentType() == null ? "" : p.agentType()));
            p.metadata().forEach((k, v) -> tags.put(k, new PrimString(v)));
        }
        entities.add(new Entity(uid, attrs, parents, tags));
        return uid;
    }

    private static EntityUID resource(String path, String host, Set<Entity> entities) {
        Set<EntityUID> ancestors = new HashSet<>();
        if (host != null) {
            EntityUID service = uid("Service", host);
            entities.add(new Entity(service));
            ancestors.add(service);
        }
        List<String> dirs = new ArrayList<>();
        for (int i = 0; i < path.length() - 1; i++) {
            if (path.charAt(i) == '/') {
                dirs.add(path.substring(0, i + 1));
            }
        }
        for (String dir : dirs) {
            EntityUID d = uid("Path", dir);
            entities.add(new Entity(d, new HashMap<>(), new HashSet<>(ancestors)));
            ancestors.add(d);
        }
        EntityUID self = uid("Path", path);
        entities.add(new Entity(self, new HashMap<>(), ancestors));
        return self;
    }
}

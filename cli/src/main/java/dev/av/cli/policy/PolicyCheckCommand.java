package dev.av.cli.policy;

import dev.av.api.Json;
import dev.av.cli.BaseCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import dev.av.policy.acl.AclPolicy;
import dev.av.policy.acl.Operation;
import dev.av.policy.acl.PolicyException;
import dev.av.policy.acl.TemplateIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code av policy check}: decides one request against policy files, or (with {@code -batch}) a
 * stream of JSON-lines test cases, offline.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Decide a request against policy files offline, as the server would (Vault's ACL semantics).",
            "A -policy value that is not a file and reads \"root\" or \"default\" means the built-in policy.", "",
            "-batch reads JSON lines from standard input, one case each:",
            "  {\"policies\":[{\"name\":\"dev\",\"text\":\"<HCL or JSON>\"}],\"request\":{\"operation\":\"update\",\"path\":\"secret/foo\",\"data\":{},\"wrap_ttl\":\"60s\"}}",
            "and writes one JSON line per case: allowed, root_privs, is_root, capabilities, granting_policies,",
            "mfa_methods, control_group, or error."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:allowed (with -batch: every line was answered)", "1:usage error, unreadable or invalid policy",
            "2:denied"})
public final class PolicyCheckCommand extends BaseCommand {

    @Option(names = {"-policy", "--policy"}, paramLabel = "FILE", split = ",",
            description = "A policy file (HCL or JSON); repeat or separate with commas. Order matters for granting_policies.")
    List<String> policyFiles = new ArrayList<>();

    @Option(names = {"-op", "--op"}, paramLabel = "OP",
            description = "create, read, update, patch, delete, list, help, revoke, renew, rollback or recover.")
    String op;

    @Option(names = {"-path", "--path"}, paramLabel = "PATH", description = "The request path (list requests: end it with /).")
    String path;

    @Option(names = {"-data", "--data"}, paramLabel = "JSON", description = "The request's data as a JSON object.")
    String data;

    @Option(names = {"-wrap-ttl", "--wrap-ttl"}, paramLabel = "DURATION", description = "The requested response-wrapping TTL.")
    String wrapTtl;

    @Option(names = {"-sudo", "--sudo"}, description = "The path is root-protected: the decision also needs sudo.")
    boolean rootProtected;

    @Option(names = {"-entity-id", "--entity-id"}, paramLabel = "ID", description = "Entity id for templated policies.")
    String entityId;

    @Option(names = {"-entity-name", "--entity-name"}, paramLabel = "NAME", description = "Entity name for templated policies.")
    String entityName;

    @Option(names = {"-format", "--format"}, paramLabel = "FORMAT", description = "table (default) or json.")
    String format;

    @Option(names = {"-batch", "--batch"}, description = "Read JSON-lines test cases from standard input.")
    boolean batch;

    @Override
    protected void validate() {
        if (batch) {
            return;
        }
        if (policyFiles.isEmpty() || op == null || path == null) {
            throw new UsageException("Error: -policy, -op and -path are required (or use -batch)");
        }
        if (format != null && !format.equals("json") && !format.equals("table")) {
            throw new UsageException("Error: -format must be table or json");
        }
    }

    @Override
    protected int execute() throws IOException {
        return batch ? batch() : single();
    }

    private int single() {
        PolicyCheck check = new PolicyCheck();
        List<AclPolicy> policies = new ArrayList<>();
        Map<String, Object> result;
        try {
            for (String f : policyFiles) {
                if ((f.equals("root") || f.equals("default")) && !Files.exists(Path.of(f))) {
                    policies.add(check.policy(f, null));
                } else {
                    policies.add(check.policy(PolicyFiles.nameOf(f), PolicyFiles.read(f, cli().in())));
                }
            }
            Map<String, Object> body = data == null ? Map.of() : parseData(data);
            TemplateIdentity identity = entityId == null && entityName == null ? null : TemplateIdentity.of(entityId, entityName);
            result = check.run(policies, identity, PolicyCheck.operation(op), path, body, PolicyCheck.wrapTtl(wrapTtl),
                    rootProtected);
        } catch (PolicyException e) {
            throw new UsageException("Error: " + PolicyValidateCommand.oneLine(e.getMessage()));
        }
        boolean allowed = Boolean.TRUE.equals(result.get("allowed"));
        if ("json".equals(format)) {
            out().println(Json.writePretty(result));
        } else {
            row("Allowed", result.get("allowed"));
            row("Capabilities", String.join(", ", strings(result.get("capabilities"))));
            row("Granting policies", String.join(", ", strings(result.get("granting_policies"))));
            row("Root privileges", result.get("root_privs"));
            row("Is root", result.get("is_root"));
            row("MFA methods", String.join(", ", strings(result.get("mfa_methods"))));
            row("Control group", result.get("control_group") == null ? "" : Json.write(result.get("control_group")));
            if (!allowed) {
                row("Reason", result.get("reason"));
            }
        }
        return allowed ? ExitCodes.OK : ExitCodes.SERVER;
    }

    private void row(String key, Object value) {
        out().printf("%-18s %s%n", key, value == null ? "" : value);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o instanceof List<?> l ? (List<String>) l : List.of();
    }

    private static Map<String, Object> parseData(String text) {
        try {
            return Json.parseObject(text);
        } catch (RuntimeException e) {
            throw new PolicyException("-data is not a JSON object: " + e.getMessage());
        }
    }

    private int batch() throws IOException {
        PolicyCheck check = new PolicyCheck();
        BufferedReader in = new BufferedReader(new InputStreamReader(cli().in(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> result;
            try {
                result = batchCase(check, line);
                result.remove("reason");
            } catch (PolicyException e) {
                result = new LinkedHashMap<>();
                result.put("error", PolicyValidateCommand.oneLine(e.getMessage()));
            }
            out().println(Json.write(result));
        }
        return ExitCodes.OK;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> batchCase(PolicyCheck check, String line) {
        Map<String, Object> c;
        try {
            c = Json.parseObject(line);
        } catch (RuntimeException e) {
            throw new PolicyException("the line is not a JSON object: " + e.getMessage());
        }
        if (!(c.get("policies") instanceof List<?> list)) {
            throw new PolicyException("missing \"policies\" (a list of {\"name\",\"text\"})");
        }
        if (!(c.get("request") instanceof Map<?, ?> request)) {
            throw new PolicyException("missing \"request\"");
        }
        List<AclPolicy> policies = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> p) || !(p.get("name") instanceof String name)) {
                throw new PolicyException("every policy needs a \"name\"");
            }
            Object text = p.get("text");
            if (text != null && !(text instanceof String)) {
                throw new PolicyException("policy \"" + name + "\": \"text\" must be a string");
            }
            policies.add(check.policy(name, (String) text));
        }
        Object pathRaw = request.get("path");
        if (!(pathRaw instanceof String path)) {
            throw new PolicyException("missing \"request.path\"");
        }
        Object dataRaw = request.get("data");
        if (dataRaw != null && !(dataRaw instanceof Map)) {
            throw new PolicyException("\"request.data\" must be an object");
        }
        Operation op = PolicyCheck.operation(request.get("operation"));
        Duration wrap = PolicyCheck.wrapTtl(request.get("wrap_ttl"));
        TemplateIdentity identity = null;
        if (c.get("entity") instanceof Map<?, ?> e) {
            identity = TemplateIdentity.of((String) e.get("id"), (String) e.get("name"));
        }
        boolean sudo = Boolean.TRUE.equals(request.get("root_protected"));
        return check.run(policies, identity, op, path, dataRaw == null ? Map.of() : (Map<String, Object>) dataRaw,
                wrap, sudo);
    }
}

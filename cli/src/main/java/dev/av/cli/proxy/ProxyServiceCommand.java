package dev.av.cli.proxy;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;
import dev.av.cli.KeyValueArgs;
import dev.av.cli.UsageException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code av proxy service write|list|read|delete}: sugar over {@code proxy/services/NAME}. */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = {"Manage proxy services (sugar over proxy/services/NAME).", "",
            "Fields: host port scheme allow_plaintext methods paths auth credential username_credential",
            "        header query_param template substitutions upstream_ca (see docs/proxy.md)", "",
            "  av proxy service write github host=api.github.com credential=secret/data/github#token",
            "  av proxy service write internal host=*.corp.example auth=header header=X-Api-Key \\",
            "      credential=secret/data/corp#key upstream_ca=@corp-ca.pem",
            "  echo '{\"host\":\"h.example\",\"auth\":\"passthrough\",\"substitutions\":[...]}' | av proxy service write h -"},
        subcommands = {ProxyServiceCommand.Write.class, ProxyServiceCommand.ListServices.class, ProxyServiceCommand.Read.class,
            ProxyServiceCommand.Delete.class})
public final class ProxyServiceCommand {

    static final String BASE = "proxy/services/";

    /** {@code av proxy service write NAME k=v...}: creates or replaces a service. */
    @Command(name = "write", mixinStandardHelpOptions = true, description = "Create or replace a service.")
    public static final class Write extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", paramLabel = "K=V", description = "Fields; K=@file reads a file, '-' reads JSON from stdin.")
        List<String> args = List.of();

        @Override
        protected String action() {
            return "writing proxy service " + name;
        }

        @Override
        protected int execute() {
            Map<String, Object> body = new KeyValueArgs(cli().in()).parse(args);
            if (body.isEmpty()) {
                throw new UsageException("Error: no fields given (at least host=... and credential=...)");
            }
            client().write(BASE + name, body);
            out().println("Success! Data written to: " + BASE + name);
            return ExitCodes.OK;
        }
    }

    /** {@code av proxy service list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List services.")
    public static final class ListServices extends ClientCommand {
        @Override
        protected String action() {
            return "listing proxy services";
        }

        @Override
        protected int execute() {
            Optional<ApiResponse> r = client().list("proxy/services");
            if (r.isEmpty()) {
                err().println("No proxy services");
                return ExitCodes.SERVER;
            }
            return output().list(r.get());
        }
    }

    /** {@code av proxy service read NAME}. */
    @Command(name = "read", mixinStandardHelpOptions = true, description = "Show a service (references, never secret values).")
    public static final class Read extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        protected String action() {
            return "reading proxy service " + name;
        }

        @Override
        protected int execute() {
            Optional<ApiResponse> r = client().read(BASE + name);
            if (r.isEmpty()) {
                err().println("No proxy service named " + name);
                return ExitCodes.SERVER;
            }
            return output().secret(r.get());
        }
    }

    /** {@code av proxy service delete NAME}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a service.")
    public static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        protected String action() {
            return "deleting proxy service " + name;
        }

        @Override
        protected int execute() {
            client().delete(BASE + name);
            out().println("Success! Data deleted (if it existed) at: " + BASE + name);
            return ExitCodes.OK;
        }
    }
}

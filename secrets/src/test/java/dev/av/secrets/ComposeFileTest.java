package dev.av.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The root {@code docker-compose.yml} cannot run here (no Docker engine); this checks that it is valid
 * YAML and that its services are wired to each other consistently.
 */
class ComposeFileTest {

    static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws Exception {
        Path file = Path.of("..", "docker-compose.yml");
        try (Reader r = Files.newBufferedReader(file)) {
            Map<String, Object> root = new Yaml().load(r);
            services = (Map<String, Object>) root.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    static String command(String name) {
        Object c = service(name).get("command");
        return c instanceof List<?> l ? String.join(" ", l.stream().map(String::valueOf).toList()) : String.valueOf(c);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> env(String name) {
        return (Map<String, Object>) service(name).get("environment");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, String>> dependsOn(String name) {
        return (Map<String, Map<String, String>>) service(name).get("depends_on");
    }

    @Test
    void everyImageIsPinnedToAVersion() {
        for (String name : services.keySet()) {
            String image = String.valueOf(service(name).get("image"));
            assertThat(image).as(name).contains(":").doesNotEndWith(":latest");
        }
    }

    @Test
    void avMountsTheVaultServiceWithItsDevRootToken() {
        assertThat(command("vault")).contains("-dev", "-dev-root-token-id=root", "-dev-listen-address=0.0.0.0:8200");
        String setup = command("av-setup");
        assertThat(setup).contains("secrets enable", "vault", "address=http://vault:8200", "token=root");
        assertThat(env("av-setup")).containsEntry("AV_ADDR", "http://av:14321").containsEntry("AV_TOKEN", "root");
        assertThat(command("av")).contains("server", "-dev", "-dev-root-token-id=root",
                "-dev-listen-address=0.0.0.0:14321", "-dev-proxy-listen-address=0.0.0.0:14322");
        assertThat(String.valueOf(service("av").get("ports"))).contains("14321:14321");
    }

    @Test
    void setupStepsWaitForWhatTheyNeed() {
        assertThat(dependsOn("av-setup").get("av")).containsEntry("condition", "service_healthy");
        assertThat(dependsOn("av-setup").get("vault-setup")).containsEntry("condition", "service_completed_successfully");
        assertThat(dependsOn("vault-setup").get("vault")).containsEntry("condition", "service_healthy");
        assertThat(dependsOn("vault-setup").get("postgres")).containsEntry("condition", "service_healthy");
        for (String s : List.of("postgres", "vault", "av")) {
            assertThat(service(s)).as(s + " has a healthcheck").containsKey("healthcheck");
        }
    }

    @Test
    void vaultsDatabaseEngineUsesThePostgresService() {
        String setup = String.valueOf(service("vault-setup").get("command"));
        assertThat(setup).contains("plugin_name=postgresql-database-plugin", "@postgres:5432/"
                + env("postgres").get("POSTGRES_DB"), "password=" + env("postgres").get("POSTGRES_PASSWORD"),
                "allowed_roles=ro", "database/roles/ro");
    }
}

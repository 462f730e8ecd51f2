package dev.av.cli.operator;

import dev.av.cli.Cli;
import dev.av.cli.UsageException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where an unseal key (or passphrase) comes from: argument, {@code -}, a file, the environment, or a prompt. */
final class UnsealKeys {

    private UnsealKeys() {
    }

    static String resolve(Cli cli, String arg, Path file, String envName, String prompt) {
        String key;
        if (arg != null && !arg.equals("-")) {
            key = arg;
        } else if (arg == null && file != null) {
            try {
                key = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException("Error: cannot read " + file + ": " + e.getMessage());
            }
        } else if (arg == null && cli.env(envName) != null) {
            key = cli.env(envName);
        } else {
            Console console = System.console();
            if (arg == null && cli.terminal() && console != null) {
                char[] chars = console.readPassword(prompt);
                key = chars == null ? "" : new String(chars);
            } else {
                try {
                    String line = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8)).readLine();
                    key = line == null ? "" : line;
                } catch (IOException e) {
                    throw new UsageException("Error: cannot read stdin: " + e.getMessage());
                }
            }
        }
        key = key.strip();
        if (key.isEmpty()) {
            throw new UsageException("Error: no key given (argument, -, -key-file, or $" + envName + ")");
        }
        return key;
    }
}

package dev.av.cli.audit;

import dev.av.audit.chain.ChainFormat;
import dev.av.audit.chain.ChainVerifier;
import dev.av.cli.BaseCommand;
import dev.av.core.AvException;
import dev.av.core.Durations;
import dev.av.cli.ExitCodes;
import dev.av.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code av audit verify FILE}: checks the hash chain of FILE and its rotated predecessors, offline. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify the hash chain and signed checkpoints of an audit file and its rotated predecessors",
            "(FILE.1, FILE-20260101, FILE.2.gz ...). Works offline; reports the first broken link.",
            "A file the device is still writing ends with entries chained but not yet signed: they count as",
            "intact while the last checkpoint is younger than the device's checkpoint interval + 30s.", "",
            "  av audit verify /var/log/av/audit.log",
            "  av audit verify -public-key=@device.pub /var/log/av/audit.log"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the chain is intact", "1:a broken link (or a usage error)"})
public final class AuditVerifyCommand extends BaseCommand {

    @Option(names = {"-public-key", "--public-key"}, paramLabel = "KEY",
            description = "The device's Ed25519 public key (base64 or PEM, or @file), as shown by 'av audit list -detailed'.")
    String publicKey;

    @Option(names = {"-no-rotated", "--no-rotated"}, description = "Check only FILE, not its rotated predecessors.")
    boolean noRotated;

    @Option(names = {"-checkpoint-interval", "--checkpoint-interval"}, paramLabel = "DURATION", defaultValue = "60s",
            description = "The device's checkpoint_interval (default ${DEFAULT-VALUE}): how long entries may stay unsigned.")
    String checkpointInterval;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    protected int execute() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("Error: no such file: " + file);
        }
        PublicKey key = null;
        if (publicKey != null) {
            String text = publicKey.startsWith("@") ? Files.readString(Path.of(publicKey.substring(1))) : publicKey;
            try {
                key = ChainFormat.decodePublicKey(text.trim());
            } catch (IllegalArgumentException e) {
                throw new UsageException("Error: " + e.getMessage());
            }
        }
        Duration interval;
        try {
            interval = Durations.parse("checkpoint-interval", checkpointInterval);
        } catch (AvException e) {
            throw new UsageException("Error: " + e.getMessage());
        }
        Instant now = Instant.now();
        ChainVerifier.Report r = noRotated ? ChainVerifier.verifyFiles(List.of(file), key, now, interval)
                : ChainVerifier.verify(file, key, now, interval);
        String files = r.files().size() == 1 ? "1 file" : r.files().size() + " files";
        if (r.ok()) {
            out().println("OK: " + r.entries() + " entries, " + r.checkpoints() + " signed checkpoints in " + files
                    + (key == null ? " (signer key " + fingerprint(r.publicKey()) + "; pass -public-key to pin it)" : ""));
            if (r.unsignedEntries() > 0) {
                out().println((r.lastCheckpointSeq() > 0 ? "intact through checkpoint seq " + r.lastCheckpointSeq()
                        : "no checkpoint yet") + "; " + r.unsignedEntries() + " later entries chained, not yet signed"
                        + " (the device signs within its checkpoint interval; a cut in this tail is not detectable yet)");
            }
            return ExitCodes.OK;
        }
        out().println("BROKEN: " + r.brokenLink());
        out().println("(checked " + files + "; " + r.entries() + " entries were intact before the break)");
        return 1;
    }

    private static String fingerprint(String key) {
        if (key == null) {
            return "none";
        }
        return key.length() > 16 ? key.substring(key.length() - 16) : key;
    }
}

package dev.av.cli.audit;

import picocli.CommandLine.Command;

/** {@code av audit ...}: audit devices (sys/audit), chain verification and following the stream. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Manage audit devices, verify audit files and follow the audit stream.", "",
            "  av audit enable file file_path=/var/log/av/audit.log",
            "  av audit enable -path=siem socket address=siem.example.com:9000",
            "  av audit list -detailed",
            "  av audit verify /var/log/av/audit.log",
            "  av audit tail -f -agent ci-bot -decision deny",
            "  av audit disable siem"},
        subcommands = {AuditEnableCommand.class, AuditListCommand.class, AuditDisableCommand.class,
            AuditVerifyCommand.class, AuditTailCommand.class})
public final class AuditCommand {

    static final String BASE = "sys/audit/";

    private AuditCommand() {
    }
}

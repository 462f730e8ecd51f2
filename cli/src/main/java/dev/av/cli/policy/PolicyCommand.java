package dev.av.cli.policy;

import picocli.CommandLine.Command;

/**
 * {@code av policy ...}: Vault ACL policies. {@code fmt}, {@code validate} and {@code check} work
 * offline on files (for policy suites kept in git and tested in CI); {@code write}, {@code read},
 * {@code list} and {@code delete} go to the server's {@code sys/policies/acl} (or
 * {@code sys/policies/cedar} with {@code -cedar}).
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"Format, validate and test policy files offline; manage policies on the server.", "",
            "  av policy fmt dev.hcl",
            "  av policy validate policies/*.hcl guardrails.cedar",
            "  av policy check -policy dev.hcl -op update -path secret/data/app -data '{\"ttl\":\"1h\"}'",
            "  av policy check -batch < cases.jsonl > results.jsonl",
            "  av policy write dev dev.hcl    |  cat dev.hcl | av policy write dev -",
            "  av policy read dev  |  av policy list  |  av policy delete dev"},
        subcommands = {PolicyFmtCommand.class, PolicyValidateCommand.class, PolicyCheckCommand.class,
            PolicyWriteCommand.class, PolicyReadCommand.class, PolicyListCommand.class, PolicyDeleteCommand.class})
public final class PolicyCommand {

    static final String ACL_BASE = "sys/policies/acl/";
    static final String CEDAR_BASE = "sys/policies/cedar/";

    private PolicyCommand() {
    }
}

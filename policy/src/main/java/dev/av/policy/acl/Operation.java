package dev.av.policy.acl;

/** Vault's logical operations, the verbs an ACL decision is asked about. */
public enum Operation {
    CREATE("create", Capability.CREATE),
    READ("read", Capability.READ),
    UPDATE("update", Capability.UPDATE),
    PATCH("patch", Capability.PATCH),
    DELETE("delete", Capability.DELETE),
    LIST("list", Capability.LIST),
    HELP("help", null),
    REVOKE("revoke", Capability.UPDATE),
    RENEW("renew", Capability.UPDATE),
    ROLLBACK("rollback", Capability.UPDATE),
    RECOVER("recover", Capability.RECOVER);

    private final String word;
    private final Capability needs;

    Operation(String word, Capability needs) {
        this.word = word;
        this.needs = needs;
    }

    public String word() {
        return word;
    }

    /** The capability this operation needs ({@code revoke}, {@code renew}, {@code rollback} need update). */
    public Capability needs() {
        return needs;
    }

    /** True for the operations whose request data is checked against parameter lists. */
    boolean checksParameters() {
        return this == READ || this == UPDATE || this == CREATE || this == PATCH || this == RECOVER;
    }

    /** Parses Vault's lower-case operation name; throws {@link PolicyException} when unknown. */
    public static Operation parse(String word) {
        for (Operation o : values()) {
            if (o.word.equals(word)) {
                return o;
            }
        }
        throw new PolicyException("unknown operation \"" + word + "\"");
    }

    @Override
    public String toString() {
        return word;
    }
}

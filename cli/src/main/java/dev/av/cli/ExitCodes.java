package dev.av.cli;

/** av's exit codes, the same as Vault's. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** Bad usage or a local error (unreadable file, malformed argument). */
    public static final int USAGE = 1;
    /** The server refused (error status, permission denied, not found, sealed) or could not be reached. */
    public static final int SERVER = 2;

    private ExitCodes() {
    }
}

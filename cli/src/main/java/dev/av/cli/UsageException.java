package dev.av.cli;

/** A local mistake (bad argument, unreadable file): printed as one line, exit code 1. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message, null, false, false);
    }
}

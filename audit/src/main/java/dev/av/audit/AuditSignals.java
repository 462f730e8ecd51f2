package dev.av.audit;

/**
 * Installs a SIGHUP handler that reopens the broker's devices, as Vault does for log rotation.
 * Uses {@code sun.misc.Signal} (module jdk.unsupported); where it is missing the handler is not
 * installed and {@link AuditBroker#reopen()} remains the way to rotate.
 */
public final class AuditSignals {

    private AuditSignals() {
    }

    /** Returns true when the handler was installed. */
    public static boolean reopenOnHangup(AuditBroker broker) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> broker.reopen());
            return true;
        } catch (IllegalArgumentException | LinkageError e) {
            return false;
        }
    }
}

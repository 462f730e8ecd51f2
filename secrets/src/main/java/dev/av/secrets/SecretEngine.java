package dev.av.secrets;

/**
 * A secret engine mounted at a path (Vault's logical backend). Implementations are thread-safe.
 * Errors are thrown as {@link dev.av.core.AvException}; their messages never contain secret values.
 */
public interface SecretEngine extends AutoCloseable {

    /** The mount type ({@code database}, {@code vault}, {@code env}). */
    String type();

    EngineResponse handle(EngineRequest request);

    /** Deletes everything the engine stored for its mount; called when the mount is disabled, after its leases are revoked. */
    default void purge() {
    }

    /** Stops background work; leases stay stored and are handled by whoever mounts the engine next. */
    @Override
    default void close() {
    }
}

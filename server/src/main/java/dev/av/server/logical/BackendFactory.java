package dev.av.server.logical;

/**
 * Creates the backend for a mount type ({@code kv}, {@code database}, {@code vault}, {@code env}).
 * Register an implementation as a Micronaut {@code @Singleton}; {@code sys/mounts/:path} with
 * {@code {"type": type()}} then mounts it.
 */
public interface BackendFactory {

    /** The mount type name, e.g. {@code "kv"}. */
    String type();

    /** The backend for a mount; called at mount time and at every server start for persisted mounts. */
    Backend create(MountEntry mount);

    /** Called when the mount is disabled: remove the mount's stored data (keyed by {@code mount.uuid()}). */
    default void destroy(MountEntry mount) {
    }
}

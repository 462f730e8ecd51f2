package dev.av.server.secrets;

import dev.av.core.AvException;
import dev.av.secrets.env.EnvEngine;
import dev.av.server.logical.Backend;
import dev.av.server.logical.BackendFactory;
import dev.av.server.logical.MountEntry;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** Mount type {@code env}: a read-only {@code .env} file; option {@code file} names it. */
@Singleton
public class EnvBackendFactory implements BackendFactory {

    @Override
    public String type() {
        return EnvEngine.TYPE;
    }

    @Override
    public Backend create(MountEntry mount) {
        String file = mount.options().get("file");
        if (file == null || file.isBlank()) {
            throw AvException.badRequest("the env engine needs the option file=<path to a .env file>");
        }
        return new EngineBackend(new EnvEngine(Path.of(file)));
    }
}

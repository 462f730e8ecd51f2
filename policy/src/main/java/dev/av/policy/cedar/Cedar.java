package dev.av.policy.cedar;

import com.cedarpolicy.AuthorizationEngine;
import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.loader.LibraryLoader;
import com.cedarpolicy.model.policy.PolicySet;

/**
 * The one place av touches cedar-java's native library. {@link #ensureLoaded()} loads it and
 * evaluates a trivial policy set, so that a missing or broken library fails the server at start-up
 * with a clear message instead of on the first request.
 */
public final class Cedar {

    private static volatile BasicAuthorizationEngine engine;

    private Cedar() {
    }

    /**
     * Loads the native library and proves it works.
     *
     * @throws CedarUnavailableException naming the platform and the cause
     */
    public static void ensureLoaded() {
        engine();
    }

    /** The Cedar language version of the loaded library. */
    public static String languageVersion() {
        engine();
        return AuthorizationEngine.getCedarLangVersion();
    }

    static BasicAuthorizationEngine engine() {
        BasicAuthorizationEngine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (Cedar.class) {
            if (engine == null) {
                try {
                    LibraryLoader.loadLibrary();
                    PolicySet.parsePolicies("permit(principal, action, resource);");
                    engine = new BasicAuthorizationEngine();
                } catch (Throwable t) {
                    throw new CedarUnavailableException("cedar-java's native library could not be loaded on "
                            + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                            + " (it ships for linux x86_64/aarch64, macOS and Windows x86_64; run the JVM with"
                            + " --enable-native-access=ALL-UNNAMED): " + t, t);
                }
            }
            return engine;
        }
    }

    /** cedar-java's native library is missing or does not work on this machine. */
    public static final class CedarUnavailableException extends IllegalStateException {
        CedarUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

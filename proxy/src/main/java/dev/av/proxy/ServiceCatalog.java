package dev.av.proxy;

import java.util.List;

/**
 * Port: the configured services. Called once per request, so implementations return a cached,
 * immutable snapshot. Thread-safe; should not block for long.
 */
public interface ServiceCatalog {

    List<ServiceRule> services();
}

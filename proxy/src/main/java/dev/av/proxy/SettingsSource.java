package dev.av.proxy;

/** Port: the current {@link ProxySettings}. Called per request; return a cached value. Thread-safe. */
public interface SettingsSource {

    ProxySettings settings();
}

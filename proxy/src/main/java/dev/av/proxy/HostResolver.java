package dev.av.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves upstream host names (the system resolver by default; tests map names to loopback). May block. */
@FunctionalInterface
public interface HostResolver {

    InetAddress[] resolve(String host) throws UnknownHostException;

    static HostResolver system() {
        return InetAddress::getAllByName;
    }
}

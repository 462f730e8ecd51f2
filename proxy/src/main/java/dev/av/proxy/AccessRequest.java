package dev.av.proxy;

/**
 * One proxied request, as the policy sees it: {@code policyPath} is {@code proxy/<host>/<normalised path>}
 * (without the query) and {@code capability} comes from the method (GET/HEAD/OPTIONS → read, POST →
 * create, PUT → update, PATCH → patch, DELETE → delete). {@code remoteAddress} is the proxy client's
 * IP address (null when unknown), for Cedar's {@code context.remote_addr}.
 */
public record AccessRequest(String method, String capability, String host, int port, String path, String policyPath,
                            String service, String remoteAddress) {

    /** Without a client address. */
    public AccessRequest(String method, String capability, String host, int port, String path, String policyPath, String service) {
        this(method, capability, host, port, path, policyPath, service, null);
    }

    public static String capabilityOf(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS" -> "read";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> "update";
        };
    }

    public static String policyPath(String host, String normalisedPath) {
        return "proxy/" + host + normalisedPath;
    }
}

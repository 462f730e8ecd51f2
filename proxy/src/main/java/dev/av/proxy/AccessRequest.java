package dev.av.proxy;

/**
 * One proxied request, as the policy sees it: {@code policyPath} is {@code proxy/<host>/<normalised path>}
 * (without the query) and {@code capability} comes from the method (GET/HEAD/OPTIONS → read, POST →
 * create, PUT → update, PATCH → patch, DELETE → delete).
 */
public record AccessRequest(String method, String capability, String host, int port, String path, String policyPath,
                            String service) {

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

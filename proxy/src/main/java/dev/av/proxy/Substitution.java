package dev.av.proxy;

import dev.av.core.AvException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A placeholder the agent sends (e.g. {@code __GITHUB_TOKEN__}) that av swaps for a credential on
 * the surfaces the service allows; on other surfaces the placeholder passes through unchanged.
 */
public record Substitution(String placeholder, CredentialRef credential, Set<Surface> surfaces) {

    /** Where a placeholder may be replaced. */
    public enum Surface { PATH, QUERY, HEADER, BODY }

    private static final Pattern PLACEHOLDER = Pattern.compile("__[A-Z0-9][A-Z0-9_]*__");

    public Substitution {
        if (placeholder == null || placeholder.length() < 4 || !PLACEHOLDER.matcher(placeholder).matches()) {
            throw AvException.badRequest("substitution placeholder must look like __NAME__ (upper case, digits, '_'), was \""
                    + placeholder + "\"");
        }
        if (surfaces.isEmpty()) {
            throw AvException.badRequest("substitution " + placeholder + " must allow at least one surface (path, query, header, body)");
        }
        surfaces = Set.copyOf(surfaces);
    }
}

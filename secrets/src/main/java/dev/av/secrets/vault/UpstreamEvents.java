package dev.av.secrets.vault;

/**
 * What the vault engine reports about av's own credential to the upstream. The server logs and
 * audits these; losing the upstream token is never silent.
 */
public interface UpstreamEvents {

    /** av's upstream token was rejected, expired, or could not be renewed or obtained. */
    void tokenLost(String mount, String reason);

    /** av holds a working upstream token again. */
    void tokenRestored(String mount);

    UpstreamEvents NONE = new UpstreamEvents() {
        @Override
        public void tokenLost(String mount, String reason) {
        }

        @Override
        public void tokenRestored(String mount) {
        }
    };
}

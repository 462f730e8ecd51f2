package dev.av.cli.generic;

import dev.av.api.ApiResponse;
import dev.av.cli.ClientCommand;
import dev.av.cli.ExitCodes;

/** Shared output of write-like commands: the answer's data when there is some, else Vault's success line. */
final class GenericOutput {

    private GenericOutput() {
    }

    static int written(ClientCommand c, ApiResponse r, String success) {
        boolean hasContent = r.body() != null && (r.data() != null || r.auth() != null || r.wrapInfo() != null);
        if (!hasContent) {
            c.output().warnings(r);
            c.output().out().println(success);
            return ExitCodes.OK;
        }
        return c.output().secret(r);
    }
}

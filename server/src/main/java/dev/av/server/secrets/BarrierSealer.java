package dev.av.server.secrets;

import dev.av.registry.keyring.Barrier;
import dev.av.secrets.Sealer;

/** The secret engines' sealing port, served by the server's barrier. */
public final class BarrierSealer implements Sealer {

    private final Barrier barrier;

    public BarrierSealer(Barrier barrier) {
        this.barrier = barrier;
    }

    @Override
    public byte[] encrypt(String table, String id, long version, byte[] plaintext) {
        return barrier.encrypt(table, id, version, plaintext);
    }

    @Override
    public byte[] decrypt(String table, String id, long version, byte[] ciphertext) {
        return barrier.decrypt(table, id, version, ciphertext);
    }
}

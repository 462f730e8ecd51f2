package dev.av.audit;

import java.io.IOException;
import java.util.List;

/** Delivers spooled lines to a receiver. Called only from the device's shipper thread. */
interface Transport extends AutoCloseable {

    /** Delivers the lines in order; returns only when the receiver is known to have them (as far as the protocol tells). */
    void send(List<byte[]> lines) throws IOException;

    String describe();

    @Override
    void close();
}

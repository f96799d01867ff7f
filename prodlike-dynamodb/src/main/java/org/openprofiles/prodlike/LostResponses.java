package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Counters.count;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;

/**
 * <b>Lost responses</b>: every Nth <em>forwarded</em> call of an operation
 * ({@code loseResponseEvery}) commits upstream and its response is dropped.
 * {@link LossStyle#RESET} (default): the connection is reset (TCP RST) with
 * nothing written; {@link LossStyle#TIMEOUT}: the connection stays silent
 * until the client gives up and closes it.
 */
final class LostResponses {
    private static final int MAX_SILENCE_MS = 60_000;

    private LostResponses() {}

    /** The dropped answer of a call just forwarded when {@code loseResponseEvery} hits it; null when it is answered. */
    static Outcome lose(String operation, Rules rules, Counters counters) {
        if (!rules.loseNow(operation)) return null;
        count(counters.dropped, operation);
        return new Outcome(null, rules.loseResponseAs());
    }

    /** Ends the connection without an answer, as the style says. */
    static void drop(Socket socket, InputStream in, LossStyle style) {
        if (style == LossStyle.TIMEOUT) {
            try {
                socket.setSoTimeout(MAX_SILENCE_MS);
                while (in.read() != -1) {
                    // silence until the client gives up
                }
            } catch (IOException gaveUp) {
                // the client closed or reset the connection, or the silence lasted long enough
            }
        }
        reset(socket);
    }

    /** Resets the connection (TCP RST): what a lost response and a refused call look like. */
    static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close() then sends RST, not FIN
        } catch (SocketException ignored) {
            // closed already
        }
        closeQuietly(socket);
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}

package org.openprofiles.service;

import org.openprofiles.model.ServiceException;
import org.openprofiles.store.WriteConflictException;

/**
 * Bounded retry of a write that lost a race: the loser reads again and decides again at once (the
 * fresh read is what it was missing, not time). After {@link #MAX_ATTEMPTS} lost races it answers
 * 429 ThrottlingException, having written nothing; the SDKs retry that with their own backoff.
 */
final class Retries {
    static final int MAX_ATTEMPTS = 10;

    private Retries() {}

    interface Attempt {
        void run();
    }

    static void onConflict(Attempt attempt) {
        for (int n = 1; ; n++) {
            try {
                attempt.run();
                return;
            } catch (WriteConflictException e) {
                if (n == MAX_ATTEMPTS) throw exhausted(e);
            }
        }
    }

    static ServiceException exhausted(WriteConflictException cause) {
        return new ServiceException(ServiceException.Type.ThrottlingException,
                "Too many concurrent writes for the same profile keys; retry with backoff", cause);
    }
}

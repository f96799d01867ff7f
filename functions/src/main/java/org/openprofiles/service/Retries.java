package org.openprofiles.service;

import java.util.concurrent.ThreadLocalRandom;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.WriteConflictException;

/**
 * Bounded retry of a write that lost a race: at most {@link #MAX_ATTEMPTS} attempts, with full
 * jitter growing from 5 ms to 160 ms so the losers spread out. A request that runs out answers 429,
 * which the SDKs retry, and has written nothing.
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
                backOff(n);
            }
        }
    }

    static ServiceException exhausted(WriteConflictException cause) {
        return new ServiceException(ServiceException.Type.ThrottlingException,
                "Too many concurrent writes for the same profile keys; retry with backoff", cause);
    }

    static void backOff(int attempt) {
        long cap = Math.min(160, 5L << Math.min(attempt, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ServiceException.Type.InternalServerException, "interrupted", e);
        }
    }
}

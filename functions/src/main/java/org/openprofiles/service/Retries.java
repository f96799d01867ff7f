package org.openprofiles.service;

import java.time.Duration;
import java.util.function.Supplier;
import org.openprofiles.model.Backoff;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.table.WriteConflictException;

/**
 * Bounded retry of a write that did not land (a lost race, an item held by another transaction,
 * a throttled transaction): back off with full jitter, read again, decide again. At most
 * {@link #MAX_ATTEMPTS} attempts, and never past the request's deadline; then 429
 * ThrottlingException, with nothing written (a failed attempt writes nothing).
 */
final class Retries {
    static final int MAX_ATTEMPTS = Backoff.WRITE_ATTEMPTS;
    static final Backoff BACKOFF = Backoff.WRITE_CONFLICTS;
    /** The least time another attempt (one read, one write) is given; with less left, stop. */
    static final Duration ATTEMPT_RESERVE = Duration.ofMillis(250);

    private Retries() {}

    static <T> T onConflict(Deadline deadline, Supplier<T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.get();
            } catch (WriteConflictException e) {
                if (n == MAX_ATTEMPTS || !BACKOFF.pause(n, deadline, ATTEMPT_RESERVE)) throw exhausted(e);
            }
        }
    }

    static ServiceException exhausted(WriteConflictException cause) {
        return new ServiceException(ServiceException.Type.ThrottlingException, cause.throttled()
                ? "Rate exceeded: the profile store is throttling requests; retry with backoff"
                : "Too many concurrent writes for the same profile keys; retry with backoff", cause);
    }
}

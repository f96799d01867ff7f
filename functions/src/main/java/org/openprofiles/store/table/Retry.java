package org.openprofiles.store.table;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.IntFunction;
import org.openprofiles.model.Backoff;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;

/**
 * The store's one retry loop: an attempt that threw {@link DecideAgainException} (a lost race, an item held by another
 * transaction, a throttle, items DynamoDB left unprocessed) runs again after a pause, at most {@link Policy#attempts}
 * times and never past the request's deadline. The two other retries are the SDK's own (inside the client) and the
 * resend of a transaction whose outcome is unknown with its token ({@link DynamoCalls#transact}).
 *
 * <p>Giving up answers 429 ThrottlingException when nothing was written. When an attempt may have committed with its
 * answer lost, the request answers neither 429 nor a 4xx from a later attempt (a later attempt may be refused because of
 * that very write: a DeleteProfileObject that finds its object gone): it answers 500, which the caller retries.
 */
public final class Retry {
    /**
     * @param attempts at most this many attempts
     * @param backoff  the pause before each next attempt
     * @param reserve  the least time an attempt needs: with less left before the deadline, stop
     * @param retried  the reasons this loop retries; others go to the caller (an enclosing loop)
     */
    public record Policy(int attempts, Backoff backoff, Duration reserve, Set<DecideAgainException.Reason> retried) {
        public Policy(int attempts, Backoff backoff, Duration reserve) {
            this(attempts, backoff, reserve, EnumSet.of(DecideAgainException.Reason.CONFLICT, DecideAgainException.Reason.THROTTLED));
        }
    }

    /** Deciding again after a lost race or a throttle: a read and a write per attempt. */
    public static final Policy DECIDE_AGAIN = new Policy(Backoff.WRITE_ATTEMPTS, Backoff.WRITE_CONFLICTS, Duration.ofMillis(250));
    /** Writing again what did not land, without reading (a chunk of a recorded operation, unprocessed items). */
    public static final Policy WRITE_AGAIN = new Policy(Backoff.WRITE_ATTEMPTS, Backoff.WRITE_CONFLICTS, DynamoCalls.MIN_CALL_TIME);
    /**
     * Sending a write again at once with its held shard adds moved to other shards ({@code ProfileShards}): nothing it
     * rests on changed, and another shard is most likely free, so no pause.
     */
    public static final Policy OTHER_SHARD = new Policy(4, new Backoff(Duration.ZERO, Duration.ZERO), DynamoCalls.MIN_CALL_TIME,
            EnumSet.of(DecideAgainException.Reason.SHARDS_HELD));

    private Retry() {}

    /** Runs {@code attempt} (given its number, from 1) until it returns; see the class comment for how it gives up. */
    public static <T> T run(Policy policy, Deadline deadline, IntFunction<T> attempt) {
        boolean mayHaveLanded = false;
        for (int n = 1; ; n++) {
            try {
                return attempt.apply(n);
            } catch (DecideAgainException e) {
                if (!policy.retried().contains(e.reason())) throw e;
                mayHaveLanded |= e.mayHaveLanded();
                if (n >= policy.attempts() || !policy.backoff().pause(n, deadline, policy.reserve())) {
                    throw mayHaveLanded ? outcomeUnknown(e) : gaveUp(e);
                }
            } catch (ServiceException e) {
                if (mayHaveLanded && e.type().status < 500) throw outcomeUnknown(e);
                throw e;
            }
        }
    }

    /** The same for an attempt that returns nothing. */
    public static void run(Policy policy, Deadline deadline, Runnable attempt) {
        run(policy, deadline, n -> {
            attempt.run();
            return null;
        });
    }

    static ServiceException gaveUp(DecideAgainException cause) {
        return new ServiceException(ServiceException.Type.ThrottlingException, cause.throttled()
                ? "Rate exceeded: the profile store is throttling requests; retry with backoff"
                : "Too many concurrent writes for the same profile keys; retry with backoff", cause);
    }

    /** A write of this request may have committed and its answer was lost: a 500, which the caller's retry settles. */
    public static ServiceException outcomeUnknown(RuntimeException cause) {
        return new ServiceException(ServiceException.Type.InternalServerException,
                "The profile store did not confirm whether this request's write was applied; retry the request", cause);
    }
}

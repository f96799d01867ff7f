package org.openprofiles.prodlike;

import java.util.concurrent.atomic.AtomicLong;

/**
 * <b>A caller that dies mid-way</b>: {@code stopAfter=k}
 * ({@link Rules#stopAfter(int)}, or
 * {@link ProductionLikeDynamo#stopAfter(int)} on the proxy): the next k calls that reach the proxy,
 * any operation, are handled as usual (the kth is forwarded and answered as any other); every call
 * after them is refused before any other rule, not forwarded: the connection is reset with nothing
 * written, as the calls of a Lambda function that died (timeout, crash) never reach DynamoDB. Until
 * {@link ProductionLikeDynamo#resume()}. {@link ProductionLikeDynamo#callsLetThrough()} says how
 * many calls passed since arming, {@link Stats#stopped()} how many were
 * refused. The SDK sees a refused call as a lost response, RESET ({@link LostResponses}) (an IO
 * error, retried up to max attempts, each retry refused too). To find the k that stops an operation
 * after its kth DynamoDB call, run it once uncontended and read
 * {@link Stats#totalCalls()}.
 *
 * <p>One arming of the rule: its k, whether it is armed, and the calls seen since arming. Immutable
 * but for the count, so {@link Rules} swaps it whole through a volatile field.
 */
record StopAfter(long after, boolean armed, AtomicLong seen) {
    static final StopAfter NONE = new StopAfter(0, false, new AtomicLong());

    static StopAfter arm(long k) {
        return new StopAfter(k, true, new AtomicLong());
    }

    /** Disarmed, its count kept. */
    StopAfter resumed() {
        return new StopAfter(after, false, seen);
    }

    /** Calls let through since arming, at most k. */
    long letThrough() {
        return Math.min(seen.get(), after);
    }

    /** Counts a call: true when it must be refused. */
    boolean stopNow() {
        return armed && seen.incrementAndGet() > after;
    }
}

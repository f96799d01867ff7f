package org.openprofiles.prodlike;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * <b>DynamoDB that stops answering</b>: {@code holdCalls=<Operation>|*} ({@link Rules#holdCalls(String)}):
 * every call of the operation ({@code *}: of any) that reaches the proxy is held, neither forwarded nor
 * answered, until the hold is lifted ({@link Rules#releaseCalls()}, {@link Rules#clear()}, or the proxy
 * given other rules) or the proxy closes. A released call is then dropped (connection reset), never
 * forwarded late: a stall changes nothing in the table. Unlike {@code latencyMs} (a slow call that is
 * still forwarded) and {@code stopAfter} (refused at once), the client hears nothing: each SDK attempt
 * ends at its own timeout ({@code apiCallAttemptTimeout}, socket timeout), and the call at
 * {@code apiCallTimeout}. {@link Stats#held()} counts the calls held;
 * {@link ProductionLikeDynamo#awaitHeldNow(int, Duration)} and
 * {@link ProductionLikeDynamo#awaitNoneHeld(Duration)} wait for calls to be held, and dropped.
 */
final class HoldCalls {
    /** Calls waiting for their hold to be lifted; guarded by this. */
    private int waiting;

    /**
     * One arming of the rule: the operations held and the latch that lifts the hold. Adding an operation
     * keeps the latch (the calls held so far stay held); {@link Rules} swaps it whole through a volatile field.
     */
    record Arming(Set<String> operations, CountDownLatch lifted) {
        static final Arming NONE = new Arming(Set.of(), new CountDownLatch(0));

        Arming with(String operation) {
            Set<String> more = new TreeSet<>(operations);
            more.add(operation);
            return new Arming(Collections.unmodifiableSet(more), operations.isEmpty() ? new CountDownLatch(1) : lifted);
        }

        boolean holds(String operation) {
            return operations.contains(operation) || operations.contains("*");
        }

        void lift() {
            lifted.countDown();
        }
    }

    /** Blocks the call until its arming is lifted; interrupted when the proxy closes. */
    void hold(Arming arming) throws InterruptedException {
        synchronized (this) {
            waiting++;
            notifyAll();
        }
        try {
            arming.lifted().await();
        } finally {
            synchronized (this) {
                waiting--;
                notifyAll();
            }
        }
    }

    /** Waits until the number of calls held now satisfies {@code done}; false on timeout. */
    synchronized boolean await(IntPredicate done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(waiting)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}

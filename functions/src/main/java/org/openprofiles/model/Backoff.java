package org.openprofiles.model;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (a random pause between zero and base·2^(attempt-1), capped):
 * requests that lost the same race spread out instead of colliding again in step.
 */
public record Backoff(Duration base, Duration cap) {
    /**
     * Between attempts of a write that lost a race (another request won, an item was held, DynamoDB
     * throttled): 10 ms doubling to 320 ms, at most {@link #WRITE_ATTEMPTS} attempts; the nine pauses
     * sum to at most ~1.3 s, a few transaction lifetimes each. Every such retry loop uses these two.
     */
    public static final Backoff WRITE_CONFLICTS = new Backoff(Duration.ofMillis(10), Duration.ofMillis(320));
    public static final int WRITE_ATTEMPTS = 10;

    public Duration delay(int failedAttempts) {
        long ceiling = base.toNanos() << Math.min(failedAttempts - 1, 20);
        if (ceiling <= 0 || ceiling > cap.toNanos()) ceiling = cap.toNanos();
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /**
     * Pauses before attempt {@code failedAttempts + 1}; false, without pausing, when the pause plus
     * {@code reserve} (what the next attempt needs) would pass the deadline.
     */
    public boolean pause(int failedAttempts, Deadline deadline, Duration reserve) {
        Duration delay = delay(failedAttempts);
        if (deadline.remaining().compareTo(delay.plus(reserve)) < 0) return false;
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package org.openprofiles.model;

import java.time.Duration;

/**
 * The moment by which a request must have answered (its Lambda's remaining time, less a margin):
 * retry loops stop and DynamoDB calls time out before it, so no request outlives its function.
 */
public record Deadline(long nanoTime) {
    public static Deadline in(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    public Duration remaining() {
        return Duration.ofNanos(nanoTime - System.nanoTime());
    }
}

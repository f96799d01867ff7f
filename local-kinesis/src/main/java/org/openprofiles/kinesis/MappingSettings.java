package org.openprofiles.kinesis;

import java.time.Duration;

/**
 * What a deployed event source mapping is configured with, for the local ones ({@link KinesisEventSource},
 * {@link DynamoDbStreamEventSource}).
 *
 * @param batchSize     records per invocation at most (the deployed mapping's batch size)
 * @param retryAttempts retries of a failing batch before it is skipped
 * @param timeout       the function's timeout: the handler's context counts down from it
 * @param idlePoll      the pause after a read that found nothing new
 */
public record MappingSettings(int batchSize, int retryAttempts, Duration timeout, Duration idlePoll) {
    static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);
    static final Duration LONGEST_RETRY_PAUSE = Duration.ofSeconds(5);

    /**
     * A deployed mapping's batch size and retries, for a function with this timeout; an idle shard is read every 100 ms
     * (Lambda reads a Kinesis shard about once a second and a DynamoDB stream's about 4 times: deployed, an event waits
     * up to that long more).
     */
    public static MappingSettings of(int batchSize, int retryAttempts, Duration timeout) {
        return new MappingSettings(batchSize, retryAttempts, timeout, Duration.ofMillis(100));
    }

    /** The pause before a failed batch's retry number {@code attempt} (from 1): 100 ms doubling, at most 5 s. */
    static Duration retryPause(int attempt) {
        Duration pause = FIRST_RETRY_PAUSE.multipliedBy(1L << Math.min(attempt - 1, 10));
        return pause.compareTo(LONGEST_RETRY_PAUSE) > 0 ? LONGEST_RETRY_PAUSE : pause;
    }
}

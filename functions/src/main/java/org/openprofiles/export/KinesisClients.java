package org.openprofiles.export;

import java.time.Duration;
import org.openprofiles.store.table.CallCounter;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * How the service's Kinesis clients are built (the exporter, CreateEventStream's check; Lambda and the local API
 * alike): the url-connection HTTP client the DynamoDB client uses, bounded timeouts and the SDK's standard retries
 * (it retries a throttled call as a whole; records refused inside a PutRecords are the exporter's to write again).
 */
public final class KinesisClients {
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    public static final int MAX_ATTEMPTS = 3;

    private KinesisClients() {}

    /** A builder with the HTTP client, timeouts and retries set; callers add credentials, region, endpoint. */
    public static KinesisClientBuilder builder() {
        return KinesisClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(ATTEMPT_TIMEOUT)
                        .build())
                .overrideConfiguration(c -> c
                        .addExecutionInterceptor(CallCounter.INSTANCE)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build())
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .apiCallTimeout(CALL_TIMEOUT));
    }
}

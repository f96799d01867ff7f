package org.openprofiles.store.table;

import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * How every DynamoDB client of this service is built (Lambda and the local API alike): the
 * url-connection HTTP client only (the smallest and fastest to start), and timeouts and retries
 * bounded so that a slow or throttling table ends a request well inside the function's timeout.
 */
public final class DynamoDbClients {
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /** Three attempts with standard backoff fit in here; past it the request answers 500. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(6);
    public static final int MAX_ATTEMPTS = 3;
    /** The functions' timeout: the CDK stack reads it from here, tests hold CALL_TIMEOUT well under it. */
    public static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(15);

    private DynamoDbClients() {}

    /** A builder with the HTTP client, timeouts and retries set; callers add credentials, region, endpoint. */
    public static DynamoDbClientBuilder builder() {
        return configured(DynamoDbClient.builder(), ATTEMPT_TIMEOUT, CALL_TIMEOUT);
    }

    /**
     * What every SDK client of the functions has (DynamoDB, Kinesis): the url-connection HTTP client, {@value #MAX_ATTEMPTS}
     * attempts with the standard backoff, each attempt and the whole call bounded, and its calls counted.
     */
    public static <B extends AwsSyncClientBuilder<B, ?> & SdkClientBuilder<B, ?>> B configured(B builder, Duration attemptTimeout,
                                                                                             Duration callTimeout) {
        return builder
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(attemptTimeout)
                        .build())
                .overrideConfiguration(c -> c
                        .addExecutionInterceptor(CallCounter.INSTANCE)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build())
                        .apiCallAttemptTimeout(attemptTimeout)
                        .apiCallTimeout(callTimeout));
    }
}

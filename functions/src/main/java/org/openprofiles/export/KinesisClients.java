package org.openprofiles.export;

import java.time.Duration;
import org.openprofiles.store.table.DynamoDbClients;
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

    private KinesisClients() {}

    /** A builder with the HTTP client, timeouts and retries set; callers add credentials, region, endpoint. */
    public static KinesisClientBuilder builder() {
        return DynamoDbClients.configured(KinesisClient.builder(), ATTEMPT_TIMEOUT, CALL_TIMEOUT);
    }
}

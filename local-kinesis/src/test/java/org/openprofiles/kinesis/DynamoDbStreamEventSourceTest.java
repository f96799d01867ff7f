package org.openprofiles.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The local DynamoDB Streams mapping does what Lambda's does with a handler's answers: a reported record and those after
 * it are delivered again, never those before it; a handler that throws fails its whole batch; a batch still failing after
 * the retries is skipped and the shard goes on; {@link DynamoDbStreamEventSource#skipToEnd} moves past what the stream
 * holds without delivering it. Over DynamoDB Local's own change stream.
 */
class DynamoDbStreamEventSourceTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Two retries: the pauses (100 ms, 200 ms) keep the test short. */
    static final MappingSettings SETTINGS = MappingSettings.of(100, 2, Duration.ofSeconds(30));

    static AmazonDynamoDBLocal dynamoLocal;
    static DynamoDbClient dynamo;

    @BeforeAll
    static void start() {
        dynamoLocal = DynamoDBEmbedded.create(true);
        dynamo = dynamoLocal.dynamoDbClient();
    }

    @AfterAll
    static void stop() {
        dynamoLocal.shutdown();
    }

    /** A table with its change stream, holding these items (in this order); its stream's ARN. */
    static String tableWith(String table, String... ids) {
        String streamArn = dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build()))
                .tableDescription().latestStreamArn();
        for (String id : ids) put(table, id);
        return streamArn;
    }

    static void put(String table, String id) {
        dynamo.putItem(r -> r.tableName(table).item(Map.of("id", AttributeValue.fromS(id))));
    }

    /** Records each delivery (the item's id) and answers as {@code answer} says. */
    record Recording(BlockingQueue<String> delivered, java.util.function.Function<List<DynamodbEvent.DynamodbStreamRecord>, String> answer)
            implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            assertNotNull(context, "Lambda's context, with the time left");
            event.getRecords().forEach(record -> delivered.add(record.getDynamodb().getNewImage().get("id").getS()));
            String failed = answer.apply(event.getRecords());
            return new StreamsEventResponse(failed == null ? new ArrayList<>()
                    : new ArrayList<>(List.of(new StreamsEventResponse.BatchItemFailure(failed))));
        }
    }

    static String sequenceOf(List<DynamodbEvent.DynamodbStreamRecord> records, String id) {
        return records.stream().filter(r -> r.getDynamodb().getNewImage().get("id").getS().equals(id)).findFirst()
                .map(r -> r.getDynamodb().getSequenceNumber()).orElse(null);
    }

    /** The next {@code count} deliveries, in order. */
    static List<String> next(BlockingQueue<String> delivered, int count) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (id == null) break;
            out.add(id);
        }
        return out;
    }

    @Test
    void aReportedRecordIsDeliveredAgainWithThoseAfterItNotThoseBefore() throws Exception {
        String table = "reported-" + UUID.randomUUID();
        String streamArn = tableWith(table, "a", "b", "c", "d");
        BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        Recording handler = new Recording(delivered, records -> calls.getAndIncrement() == 0 ? sequenceOf(records, "c") : null);
        try (DynamoDbStreamEventSource source = DynamoDbStreamEventSource.start(dynamoLocal.dynamoDbStreamsClient(), streamArn, "test", handler, SETTINGS)) {
            assertEquals(List.of("a", "b", "c", "d", "c", "d"), next(delivered, 6));
            put(table, "e");
            assertEquals(List.of("e"), next(delivered, 1), "the shard goes on from there");
            assertEquals(new DynamoDbStreamEventSource.Stats(3, 7, 1, 0), source.stats());
        }
    }

    @Test
    void aHandlerThatThrowsHasItsWholeBatchDeliveredAgain() throws Exception {
        String streamArn = tableWith("throws-" + UUID.randomUUID(), "a", "b");
        BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        Recording handler = new Recording(delivered, records -> {
            if (calls.getAndIncrement() == 0) throw new IllegalStateException("the function failed");
            return null;
        });
        try (DynamoDbStreamEventSource source = DynamoDbStreamEventSource.start(dynamoLocal.dynamoDbStreamsClient(), streamArn, "test", handler, SETTINGS)) {
            assertEquals(List.of("a", "b", "a", "b"), next(delivered, 4));
            assertEquals(1, source.stats().retries());
        }
    }

    @Test
    void aBatchStillFailingAfterTheRetriesIsSkippedAndTheShardGoesOn() throws Exception {
        String table = "poison-" + UUID.randomUUID();
        String streamArn = tableWith(table, "a", "poison", "b");
        BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        Recording handler = new Recording(delivered, records -> sequenceOf(records, "poison"));
        try (DynamoDbStreamEventSource source = DynamoDbStreamEventSource.start(dynamoLocal.dynamoDbStreamsClient(), streamArn, "test", handler, SETTINGS)) {
            // Once, then SETTINGS' 2 retries from the failed record; then its batch is given up.
            assertEquals(List.of("a", "poison", "b", "poison", "b", "poison", "b"), next(delivered, 7));
            put(table, "c");
            assertEquals(List.of("c"), next(delivered, 1));
            assertEquals(new DynamoDbStreamEventSource.Stats(4, 8, 2, 1), source.stats());
        }
    }

    @Test
    void skipToEndDeliversNothingTheStreamHoldsNowAndEverythingAfter() throws Exception {
        String table = "skip-" + UUID.randomUUID();
        String streamArn = tableWith(table, "a", "b");
        BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        AtomicBoolean failing = new AtomicBoolean(true);
        // Every batch fails while failing: a and b wait for their retry (many retries: never given up during the test).
        Recording handler = new Recording(delivered, records -> failing.get() ? records.get(0).getDynamodb().getSequenceNumber() : null);
        MappingSettings manyRetries = MappingSettings.of(100, 1000, Duration.ofSeconds(30));
        try (DynamoDbStreamEventSource source = DynamoDbStreamEventSource.start(dynamoLocal.dynamoDbStreamsClient(), streamArn, "test", handler, manyRetries)) {
            assertEquals(List.of("a", "b"), next(delivered, 2), "read, and failed");
            put(table, "c");
            source.skipToEnd(WAIT);
            delivered.clear(); // the handler runs on the poller thread, as the skip did: what it got before the skip ended
            failing.set(false);
            put(table, "d");
            assertEquals(List.of("d"), next(delivered, 1), "a, b and c were skipped: the retry of a and b too");
            put(table, "e");
            assertEquals(List.of("e"), next(delivered, 1), "the shard goes on");
        }
    }
}

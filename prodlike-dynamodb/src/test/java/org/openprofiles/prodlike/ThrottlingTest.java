package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Throttled calls are answered as DynamoDB answers them; the SDK's own retry policy decides what happens next. */
class ThrottlingTest extends TestDynamo.WithProxy {
    static TestDynamo.Attempts attempts = new TestDynamo.Attempts();
    static DynamoDbClient production;
    static DynamoDbClient noRetries;

    @BeforeAll
    static void start() {
        production = TestDynamo.production(proxy, Duration.ofSeconds(2), attempts);
        noRetries = TestDynamo.noRetries(proxy, Duration.ofSeconds(2));
    }

    @BeforeEach
    void fresh() {
        attempts.count.set(0);
    }

    @Test
    void everySecondPutItemThrottledIsRetriedByTheSdkAndSucceeds() {
        proxy.rules().throttleEvery("PutItem", 2);

        production.putItem(b -> b.tableName(table).item(item("p1", "x"))); // call 1: forwarded
        production.putItem(b -> b.tableName(table).item(item("p2", "x"))); // call 2: throttled, call 3: forwarded

        assertEquals(1, proxy.stats().throttled("PutItem"));
        assertEquals(3, proxy.stats().calls("PutItem"));
        assertEquals(2, proxy.stats().forwarded("PutItem"));
        assertEquals(3, attempts.count.get(), "the SDK retried the throttled attempt");
        assertTrue(TestDynamo.exists(table, "p2"));
    }

    @Test
    void throttlingEveryCallExhaustsTheSdksAttemptsAndSurfacesTheThrottle() {
        proxy.rules().throttleEvery("PutItem", 1);

        ProvisionedThroughputExceededException thrown = assertThrows(ProvisionedThroughputExceededException.class,
                () -> production.putItem(b -> b.tableName(table).item(item("p", "x"))));

        assertEquals(400, thrown.statusCode());
        assertTrue(thrown.isThrottlingException());
        assertEquals(3, attempts.count.get(), "max attempts");
        assertEquals(3, proxy.stats().throttles());
        assertEquals(0, proxy.stats().forwarded("PutItem"));
        assertFalse(TestDynamo.exists(table, "p"));
    }

    @Test
    void aThrottledTransactionIsCancelledWithThrottlingErrorReasonsAndNotRetried() {
        proxy.rules().throttleEvery("TransactWriteItems", 1);

        TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class,
                () -> production.transactWriteItems(b -> b.transactItems(ConflictsTest.put(table, "t1"), ConflictsTest.put(table, "t2"))));

        assertEquals(List.of("ThrottlingError", "ThrottlingError"),
                cancelled.cancellationReasons().stream().map(CancellationReason::code).toList());
        assertTrue(cancelled.cancellationReasons().get(0).message().startsWith("Throughput exceeds the current capacity"));
        assertEquals(1, attempts.count.get(), "TransactionCanceledException is not retried, even for throttling");
        assertEquals(1, proxy.stats().throttled("TransactWriteItems"));
        assertFalse(TestDynamo.exists(table, "t1"));
    }

    @Test
    void throttlesAnsweredAsThrottlingExceptionAreRetriedToo() {
        proxy.rules().throttleAs(ThrottleStyle.THROTTLING_EXCEPTION).throttleEvery("*", 1);
        ThrottlingException thrown = assertThrows(ThrottlingException.class,
                () -> noRetries.putItem(b -> b.tableName(table).item(item("q", "x"))));
        assertEquals("Rate of requests exceeds the allowed throughput.", thrown.awsErrorDetails().errorMessage());
        assertThrows(ThrottlingException.class, () -> noRetries.transactWriteItems(b -> b.transactItems(ConflictsTest.put(table, "q"))));

        proxy.rules().throttleEvery("*", 0).throttleEvery("GetItem", 2);
        production.getItem(b -> b.tableName(table).key(TestDynamo.key("q")));
        production.getItem(b -> b.tableName(table).key(TestDynamo.key("q")));
        assertEquals(3, attempts.count.get(), "the second GetItem was retried once");
        assertEquals(1, proxy.stats().throttled("GetItem"));
        assertEquals(3, proxy.stats().throttles());
    }

    static List<WriteRequest> puts(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> WriteRequest.builder()
                .putRequest(PutRequest.builder().item(item(prefix + i, "x")).build()).build()).toList();
    }

    @Test
    void everySecondBatchWriteWritesItsFirstHalfAndReturnsTheRestUnprocessed() {
        proxy.rules().unprocessItemsEvery(2);

        BatchWriteItemResponse whole = production.batchWriteItem(b -> b.requestItems(Map.of(table, puts("a", 5))));
        BatchWriteItemResponse partial = production.batchWriteItem(b -> b.requestItems(Map.of(table, puts("b", 5))));

        assertTrue(whole.unprocessedItems().isEmpty());
        List<String> unprocessed = partial.unprocessedItems().get(table).stream().map(w -> w.putRequest().item().get("pk").s()).toList();
        assertEquals(List.of("b2", "b3", "b4"), unprocessed, "the first half (rounded down) written, the rest returned in order");
        for (String pk : List.of("a0", "a4", "b0", "b1")) assertTrue(TestDynamo.exists(table, pk), pk);
        for (String pk : unprocessed) assertFalse(TestDynamo.exists(table, pk), pk + " was not written");
        assertEquals(2, attempts.count.get(), "a 200 with UnprocessedItems is not retried by the SDK");
        assertEquals(1, proxy.stats().unprocessed("BatchWriteItem"));
        assertEquals(0, proxy.stats().batchItemsDeferred(), "not held items: a capacity answer");

        // The caller resends them (the third batch passes whole), as it must.
        assertTrue(production.batchWriteItem(b -> b.requestItems(partial.unprocessedItems())).unprocessedItems().isEmpty());
        for (String pk : unprocessed) assertTrue(TestDynamo.exists(table, pk), pk);
    }

    @Test
    void aPartialBatchOfOneWritesNothing() {
        proxy.rules(Rules.parse("conflictWindowMs=0,unprocessItemsEvery=BatchWriteItem:1"));
        assertEquals("conflictWindowMs=0,unprocessItemsEvery=BatchWriteItem:1", proxy.rules().toString());

        BatchWriteItemResponse response = noRetries.batchWriteItem(b -> b.requestItems(Map.of(table, puts("one", 1))));

        assertEquals(1, response.unprocessedItems().get(table).size());
        assertFalse(TestDynamo.exists(table, "one0"));
        assertEquals(0, proxy.stats().forwarded("BatchWriteItem"));
        assertThrows(IllegalArgumentException.class, () -> Rules.parse("unprocessItemsEvery=BatchGetItem:2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rules.parse("bogus=1")).getMessage().contains("unprocessItemsEvery"));
    }
}

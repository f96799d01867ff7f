package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;
import static org.openprofiles.prodlike.TestDynamo.key;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Transactions in flight hold their items: overlapping transactions and writes are refused as real DynamoDB refuses them. */
class ConflictsTest extends TestDynamo.WithProxy {
    /** Long enough for a second call to arrive while the first holds its items, short enough for a quick test. */
    static final long WINDOW_MS = 400;

    static DynamoDbClient noRetries;
    static TestDynamo.Attempts productionAttempts = new TestDynamo.Attempts();
    static DynamoDbClient production;
    static TestDynamo.Attempts defaultAttempts = new TestDynamo.Attempts();
    static DynamoDbClient sdkDefaults;

    @BeforeAll
    static void start() {
        noRetries = TestDynamo.noRetries(proxy, Duration.ofSeconds(5));
        production = TestDynamo.production(proxy, Duration.ofSeconds(2), productionAttempts);
        sdkDefaults = TestDynamo.client(proxy.endpoint(), null, Duration.ofSeconds(2), defaultAttempts);
        // Warm up both clients and DynamoDB Local's transaction path, so timings below measure the proxy.
        String warm = TestDynamo.newTable();
        for (DynamoDbClient client : List.of(noRetries, production, sdkDefaults)) {
            client.transactWriteItems(b -> b.transactItems(put(warm, "w1"), put(warm, "w2")));
            client.putItem(b -> b.tableName(warm).item(item("w3", "x")));
        }
    }

    @BeforeEach
    void fresh() {
        proxy.rules(Rules.none().conflictWindowMs(WINDOW_MS));
    }

    static TransactWriteItem put(String table, String pk) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item(pk, "t")).build()).build();
    }

    static TransactWriteItem update(String table, String pk) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk))
                .updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", AttributeValue.fromS("u"))).build()).build();
    }

    static TransactWriteItem check(String table, String pk) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table).key(key(pk))
                .conditionExpression("attribute_exists(pk)").build()).build();
    }

    static List<String> codes(TransactionCanceledException e) {
        assertTrue(e.hasCancellationReasons(), e.toString());
        return e.cancellationReasons().stream().map(CancellationReason::code).toList();
    }

    @Test
    void aTransactionOverlappingOneInFlightIsCancelledWithTransactionConflictAtTheHeldItemsIndex() throws Exception {
        Future<?> first = inFlight(noRetries, put(table, "a"));

        TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class,
                () -> noRetries.transactWriteItems(b -> b.transactItems(put(table, "b"), update(table, "a"))));

        assertEquals(List.of("None", "TransactionConflict"), codes(cancelled));
        assertEquals("Transaction is ongoing for the item", cancelled.cancellationReasons().get(1).message());
        assertEquals(400, cancelled.statusCode());
        assertEquals("TransactionCanceledException", cancelled.awsErrorDetails().errorCode());
        assertTrue(cancelled.getMessage().contains("[None, TransactionConflict]"), cancelled.getMessage());
        first.get(5, TimeUnit.SECONDS);
        assertEquals(1, proxy.stats().transactionConflicts());
        assertEquals(1, proxy.stats().forwarded("TransactWriteItems"), "the cancelled one never reached the table");
        assertFalse(TestDynamo.exists(table, "b"));

        // Once the first has finished, its items are free again.
        noRetries.transactWriteItems(b -> b.transactItems(put(table, "b"), update(table, "a")));
        assertTrue(TestDynamo.exists(table, "b"));
        assertEquals(0, proxy.transactionsInFlight());
    }

    @Test
    void anOverlapThroughConditionChecksOnlyConflictsToo() throws Exception {
        noRetries.putItem(b -> b.tableName(table).item(item("guard", "g")));
        Future<?> first = inFlight(noRetries, check(table, "guard"), put(table, "x"));

        TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class,
                () -> noRetries.transactWriteItems(b -> b.transactItems(put(table, "y"), check(table, "guard"))));

        assertEquals(List.of("None", "TransactionConflict"), codes(cancelled));
        first.get(5, TimeUnit.SECONDS);
        assertEquals(1, proxy.stats().transactionConflicts());
        assertTrue(TestDynamo.exists(table, "x"));
        assertFalse(TestDynamo.exists(table, "y"));
    }

    @Test
    void disjointTransactionsRunConcurrentlyNotOneAfterTheOther() throws Exception {
        long window = 200;
        proxy.rules().conflictWindowMs(window);
        int transactions = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            String pk = "d" + i;
            running.add(pool.submit(() -> {
                go.await();
                return noRetries.transactWriteItems(b -> b.transactItems(put(table, pk), put(table, pk + "-2")));
            }));
        }
        long started = System.nanoTime();
        go.countDown();
        assertTrue(proxy.awaitTransactionsInFlight(transactions, Duration.ofSeconds(5)), "all eight hold their items at once");
        for (Future<?> transaction : running) transaction.get(5, TimeUnit.SECONDS);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println(transactions + " disjoint transactions, window " + window + " ms: " + elapsedMs + " ms in all");

        assertTrue(elapsedMs >= window, "each was in flight for the window: " + elapsedMs + " ms");
        assertTrue(elapsedMs < 4 * window, "8 transactions of " + window + " ms took " + elapsedMs + " ms: serialised?");
        assertEquals(0, proxy.stats().transactionConflicts());
        assertEquals(transactions, proxy.stats().forwarded("TransactWriteItems"));
        for (int i = 0; i < transactions; i++) assertTrue(TestDynamo.exists(table, "d" + i));
    }

    @Test
    void singleItemWritesOfAHeldItemFailWithTransactionConflictExceptionWhichTheSdkDoesNotRetry() throws Exception {
        noRetries.putItem(b -> b.tableName(table).item(item("b", "before")));
        Future<?> first = inFlight(noRetries, put(table, "a"), update(table, "b"));

        TransactionConflictException put = assertThrows(TransactionConflictException.class,
                () -> noRetries.putItem(b -> b.tableName(table).item(item("a", "single"))));
        assertEquals("Transaction is ongoing for the item", put.awsErrorDetails().errorMessage());
        assertEquals(400, put.statusCode());
        assertThrows(TransactionConflictException.class, () -> noRetries.updateItem(b -> b.tableName(table).key(key("b"))
                .updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", AttributeValue.fromS("single")))));
        assertThrows(TransactionConflictException.class, () -> noRetries.deleteItem(b -> b.tableName(table).key(key("a"))));
        noRetries.putItem(b -> b.tableName(table).item(item("c", "free"))); // an item nobody holds

        // The production client (standard retries, 3 attempts) does not retry it: one attempt, one conflict.
        int attemptsBefore = productionAttempts.count.get();
        assertThrows(TransactionConflictException.class,
                () -> production.putItem(b -> b.tableName(table).item(item("a", "single"))));
        assertEquals(1, productionAttempts.count.get() - attemptsBefore, "TransactionConflictException is not retried");
        // Nor does the SDK's default strategy for DynamoDB.
        int defaultAttemptsBefore = defaultAttempts.count.get();
        assertThrows(TransactionConflictException.class,
                () -> sdkDefaults.deleteItem(b -> b.tableName(table).key(key("a"))));
        assertEquals(1, defaultAttempts.count.get() - defaultAttemptsBefore, "not retried by the default strategy either");

        first.get(5, TimeUnit.SECONDS);
        assertEquals(5, proxy.stats().singleItemConflicts());
        assertEquals(0, proxy.stats().transactionConflicts());
        assertEquals("t", TestDynamo.direct().getItem(b -> b.tableName(table).key(key("a"))).item().get("v").s());
        assertEquals("u", TestDynamo.direct().getItem(b -> b.tableName(table).key(key("b"))).item().get("v").s());
        // After the transaction, the same single-item write goes through.
        noRetries.putItem(b -> b.tableName(table).item(item("a", "single")));
    }

    @Test
    void aTransactGetOfAHeldItemIsCancelled() throws Exception {
        Future<?> first = inFlight(noRetries, put(table, "a"));

        TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class,
                () -> noRetries.transactGetItems(b -> b.transactItems(
                        TransactGetItem.builder().get(Get.builder().tableName(table).key(key("z")).build()).build(),
                        TransactGetItem.builder().get(Get.builder().tableName(table).key(key("a")).build()).build())));

        assertEquals(List.of("None", "TransactionConflict"), codes(cancelled));
        first.get(5, TimeUnit.SECONDS);
        assertEquals(1, proxy.stats().transactionConflicts());
    }

    @Test
    void aBatchWriteReturnsItsHeldItemsAsUnprocessedAndWritesTheOthers() throws Exception {
        Future<?> first = inFlight(noRetries, put(table, "a"), put(table, "gone"));

        BatchWriteItemResponse response = noRetries.batchWriteItem(b -> b.requestItems(Map.of(table, List.of(
                WriteRequest.builder().putRequest(PutRequest.builder().item(item("a", "batch")).build()).build(),
                WriteRequest.builder().putRequest(PutRequest.builder().item(item("b", "batch")).build()).build(),
                WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key("gone")).build()).build()))));

        assertEquals(List.of(table), List.copyOf(response.unprocessedItems().keySet()));
        List<WriteRequest> unprocessed = response.unprocessedItems().get(table);
        assertEquals(2, unprocessed.size());
        assertEquals("a", unprocessed.get(0).putRequest().item().get("pk").s());
        assertEquals("gone", unprocessed.get(1).deleteRequest().key().get("pk").s());
        assertEquals("batch", TestDynamo.direct().getItem(b -> b.tableName(table).key(key("b"))).item().get("v").s());

        // Every item held: nothing is forwarded, all come back.
        BatchWriteItemResponse allHeld = noRetries.batchWriteItem(b -> b.requestItems(Map.of(table, List.of(
                WriteRequest.builder().putRequest(PutRequest.builder().item(item("a", "batch")).build()).build()))));
        assertEquals(1, allHeld.unprocessedItems().get(table).size());

        first.get(5, TimeUnit.SECONDS);
        assertEquals(3, proxy.stats().batchItemsDeferred());
        assertEquals(1, proxy.stats().forwarded("BatchWriteItem"));
        assertEquals("t", TestDynamo.direct().getItem(b -> b.tableName(table).key(key("a"))).item().get("v").s());
        assertTrue(TestDynamo.exists(table, "gone"));

        // Resent after the transaction, the unprocessed items go through.
        BatchWriteItemResponse resent = noRetries.batchWriteItem(b -> b.requestItems(response.unprocessedItems()));
        assertTrue(resent.unprocessedItems().isEmpty());
        assertFalse(TestDynamo.exists(table, "gone"));
    }

    @Test
    void withTheWindowAtZeroNothingConflicts() throws Exception {
        proxy.rules(Rules.none());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            running.add(pool.submit(() -> {
                go.await();
                return noRetries.transactWriteItems(b -> b.transactItems(update(table, "same")));
            }));
        }
        go.countDown();
        for (Future<?> transaction : running) transaction.get(5, TimeUnit.SECONDS); // DynamoDB Local serialises them
        assertEquals(0, proxy.stats().transactionConflicts());
        assertEquals(4, proxy.stats().forwarded("TransactWriteItems"));
    }
}

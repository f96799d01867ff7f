package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;
import static org.openprofiles.prodlike.TestDynamo.key;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * A lost TransactWriteItems response while DynamoDB is still applying the transaction: a retry with
 * the same ClientRequestToken is "in progress", then, once done, succeeds without applying it twice.
 */
class TransactionInProgressTest extends TestDynamo.WithProxy {
    /** Long enough for the retries below to arrive while the lost transaction is held. */
    static final long HOLD_MS = 2_000;

    static DynamoDbClient noRetries;
    static TestDynamo.Attempts productionAttempts = new TestDynamo.Attempts();
    static DynamoDbClient production;

    @BeforeAll
    static void start() {
        noRetries = TestDynamo.noRetries(proxy, Duration.ofSeconds(2));
        // The production strategy (standard, 3 attempts) without its waits: which errors it retries is what is tested.
        production = TestDynamo.client(proxy.endpoint(), TestDynamo.productionRetries().toBuilder()
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()).build(), Duration.ofSeconds(2), productionAttempts);
    }

    @BeforeEach
    void fresh() {
        productionAttempts.count.set(0);
    }

    @AfterEach
    void released() throws InterruptedException {
        assertTrue(proxy.awaitLostTransactionsReleased(Duration.ofSeconds(10)));
    }

    static TransactWriteItem add(String table, String pk) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk))
                .updateExpression("ADD n :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build()).build();
    }

    static String counter(String table) {
        return TestDynamo.direct().getItem(b -> b.tableName(table).key(key("counter")).consistentRead(true)).item().get("n").n();
    }

    @Test
    void dynamoDbLocalIsIdempotentOnTheClientRequestToken() {
        DynamoDbClient direct = TestDynamo.direct();
        direct.transactWriteItems(b -> b.transactItems(add(table, "counter")).clientRequestToken("token-1"));
        direct.transactWriteItems(b -> b.transactItems(add(table, "counter")).clientRequestToken("token-1"));
        assertEquals("1", counter(table), "the same token and parameters: answered 200, not applied again");

        assertThrows(IdempotentParameterMismatchException.class, () -> direct.transactWriteItems(
                b -> b.transactItems(ConflictsTest.put(table, "other")).clientRequestToken("token-1")));
        assertTrue(!TestDynamo.exists(table, "other"));

        direct.transactWriteItems(b -> b.transactItems(add(table, "counter")).clientRequestToken("token-2"));
        assertEquals("2", counter(table));
    }

    @Test
    void aRetryWhileTheLostTransactionIsHeldIsInProgressAndOnceDoneSucceedsWithoutApplyingTwice() throws Exception {
        proxy.rules(Rules.parse("conflictWindowMs=0,inProgressAfterLossMs=" + HOLD_MS + ",loseResponseEvery=TransactWriteItems:1"));
        assertThrows(SdkClientException.class,
                () -> noRetries.transactWriteItems(b -> b.transactItems(add(table, "counter")).clientRequestToken("lost")));
        proxy.rules().loseResponseEvery("TransactWriteItems", 0);
        assertEquals("1", counter(table), "it committed");

        TransactionInProgressException inProgress = assertThrows(TransactionInProgressException.class,
                () -> noRetries.transactWriteItems(b -> b.transactItems(add(table, "counter")).clientRequestToken("lost")));
        assertEquals(400, inProgress.statusCode());
        assertEquals("The transaction with the given request token is already in progress.", inProgress.awsErrorDetails().errorMessage());
        // Its items are still held: other transactions conflict, single-item writes too; other items are free.
        TransactionCanceledException cancelled = assertThrows(TransactionCanceledException.class,
                () -> noRetries.transactWriteItems(b -> b.transactItems(ConflictsTest.put(table, "free"), add(table, "counter"))));
        assertEquals(List.of("None", "TransactionConflict"), ConflictsTest.codes(cancelled));
        assertThrows(TransactionConflictException.class, () -> noRetries.putItem(b -> b.tableName(table).item(item("counter", "x"))));
        noRetries.transactWriteItems(b -> b.transactItems(ConflictsTest.put(table, "free")));
        assertEquals(1, proxy.stats().inProgress());
        assertEquals(2, proxy.stats().forwarded("TransactWriteItems"), "the lost one and the free one");

        assertTrue(proxy.awaitLostTransactionsReleased(Duration.ofSeconds(10)));
        noRetries.transactWriteItems(b -> b.transactItems(add(table, "counter")).clientRequestToken("lost"));
        assertEquals("1", counter(table), "the retry succeeded without applying the transaction again");
        assertThrows(IdempotentParameterMismatchException.class, () -> noRetries.transactWriteItems(
                b -> b.transactItems(add(table, "other")).clientRequestToken("lost")));
        noRetries.putItem(b -> b.tableName(table).item(item("counter", "x")));
    }

    @Test
    void theSdkRetriesTransactionInProgressAsAThrottleWithTheTokenItGeneratedForTheCall() {
        proxy.rules(Rules.none().inProgressAfterLossMs(HOLD_MS).loseResponseEvery("TransactWriteItems", 1));

        // No token given: the SDK makes one for the call and sends it in every attempt.
        assertThrows(TransactionInProgressException.class,
                () -> production.transactWriteItems(b -> b.transactItems(add(table, "counter"))));

        assertEquals(3, productionAttempts.count.get(), "lost (IO error, retried), then in progress twice (retried, then thrown)");
        assertEquals(1, proxy.stats().dropped("TransactWriteItems"));
        assertEquals(2, proxy.stats().inProgress(), "the retries carried the first attempt's token");
        assertEquals(1, proxy.stats().forwarded("TransactWriteItems"));
        assertEquals("1", counter(table));
    }

    @Test
    void withoutTheRuleALostTransactionLetsItsItemsGoAtOnce() {
        proxy.rules(Rules.none().loseResponseEvery("TransactWriteItems", 1));
        assertThrows(SdkClientException.class,
                () -> noRetries.transactWriteItems(b -> b.transactItems(add(table, "counter")).clientRequestToken("gone")));
        proxy.rules(Rules.none().conflictWindowMs(25));
        noRetries.transactWriteItems(b -> b.transactItems(add(table, "counter")).clientRequestToken("gone"));
        noRetries.putItem(b -> b.tableName(table).item(item("counter", "x")));
        assertEquals(0, proxy.stats().inProgress());

        assertEquals("conflictWindowMs=25,inProgressAfterLossMs=7", Rules.parse("inProgressAfterLossMs=7").toString());
        assertEquals(0, Rules.parse("inProgressAfterLossMs=7").clear().inProgressAfterLossMs());
        assertThrows(IllegalArgumentException.class, () -> Rules.parse("inProgressAfterLossMs=-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rules.parse("bogus=1")).getMessage().contains("inProgressAfterLossMs"));
    }
}

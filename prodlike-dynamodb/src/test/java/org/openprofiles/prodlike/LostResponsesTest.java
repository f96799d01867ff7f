package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The write commits, the response never arrives. The SDK's url-connection client streams the body
 * with a fixed length, which turns off HttpURLConnection's own silent resend of a failed POST: every
 * lost response reaches the SDK, whose retry policy decides.
 */
class LostResponsesTest extends TestDynamo.WithProxy {
    static TestDynamo.Attempts noRetryAttempts = new TestDynamo.Attempts();
    static TestDynamo.Attempts productionAttempts = new TestDynamo.Attempts();
    static DynamoDbClient noRetries;
    static DynamoDbClient production;

    @BeforeAll
    static void start() {
        noRetries = TestDynamo.noRetries(proxy, Duration.ofSeconds(2), noRetryAttempts);
        // A short read timeout, so a silent connection costs a test little.
        production = TestDynamo.production(proxy, Duration.ofMillis(500), productionAttempts);
        String warm = TestDynamo.newTable();
        noRetries.putItem(b -> b.tableName(warm).item(item("w", "x")));
        production.putItem(b -> b.tableName(warm).item(item("w", "x")));
    }

    @BeforeEach
    void fresh() {
        noRetryAttempts.count.set(0);
        productionAttempts.count.set(0);
    }

    static boolean causedByIOException(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) return true;
        }
        return false;
    }

    @Test
    void aResetAfterTheCommitReachesTheSdkAsAnIoErrorAndTheWriteIsThere() {
        proxy.rules().loseResponseEvery("PutItem", 1);

        SdkClientException thrown = assertThrows(SdkClientException.class,
                () -> noRetries.putItem(b -> b.tableName(table).item(item("lost", "x"))));

        assertTrue(causedByIOException(thrown), "caused by an IOException: " + thrown);
        assertEquals(1, noRetryAttempts.count.get(), "one attempt");
        assertEquals(1, proxy.stats().dropped("PutItem"));
        assertEquals(1, proxy.stats().calls("PutItem"), "no resend below the SDK either");
        assertTrue(TestDynamo.exists(table, "lost"), "the write committed upstream");
    }

    @Test
    void withRetriesOnALostPutItemResponseIsRetriedByTheSdkAndTheCallSucceeds() {
        proxy.rules().loseResponseEvery("PutItem", 2);

        production.putItem(b -> b.tableName(table).item(item("first", "x")));  // forwarded call 1
        production.putItem(b -> b.tableName(table).item(item("second", "x"))); // call 2 lost, the SDK's retry is call 3

        assertEquals(1, proxy.stats().dropped("PutItem"));
        assertEquals(3, proxy.stats().forwarded("PutItem"));
        assertEquals(3, productionAttempts.count.get(), "the SDK retried the IO error");
        assertTrue(TestDynamo.exists(table, "second"));
    }

    @Test
    void aRetriedLostResponseAppliesANonIdempotentUpdateTwice() {
        proxy.rules().loseResponseEvery("UpdateItem", 2);
        for (int i = 0; i < 2; i++) {
            production.updateItem(b -> b.tableName(table).key(TestDynamo.key("counter"))
                    .updateExpression("ADD n :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
        }

        assertEquals(3, productionAttempts.count.get());
        assertEquals(1, proxy.stats().dropped("UpdateItem"));
        assertEquals("3", TestDynamo.direct().getItem(b -> b.tableName(table).key(TestDynamo.key("counter")))
                .item().get("n").n(), "two increments asked for, three applied");
    }

    @Test
    void withRetriesOnEveryResponseLostExhaustsTheAttempts() {
        proxy.rules().loseResponseEvery("PutItem", 1);

        SdkClientException thrown = assertThrows(SdkClientException.class,
                () -> production.putItem(b -> b.tableName(table).item(item("lost", "x"))));

        assertTrue(causedByIOException(thrown), thrown.toString());
        assertEquals(3, productionAttempts.count.get(), "an IO error is retried up to max attempts");
        assertEquals(3, proxy.stats().dropped("PutItem"));
    }

    @Test
    void aSilentlyLostResponseTimesOutAndTheSdkRetrySucceeds() {
        proxy.rules().loseResponseAs(LossStyle.TIMEOUT).loseResponseEvery("PutItem", 2);

        production.putItem(b -> b.tableName(table).item(item("first", "x")));  // forwarded call 1
        production.putItem(b -> b.tableName(table).item(item("second", "x"))); // call 2 lost, SDK retry is call 3

        assertEquals(1, proxy.stats().responsesDropped());
        assertEquals(3, proxy.stats().forwarded("PutItem"));
        assertEquals(3, productionAttempts.count.get(), "the SDK retried after its read timeout");
        assertTrue(TestDynamo.exists(table, "second"));
        assertNotNull(proxy.stats().dropped());
    }
}

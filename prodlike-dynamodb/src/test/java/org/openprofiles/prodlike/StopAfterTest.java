package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A caller that dies after its kth call: the calls after it never reach DynamoDB, until resumed. */
class StopAfterTest extends TestDynamo.WithProxy {
    static TestDynamo.Attempts productionAttempts = new TestDynamo.Attempts();
    static DynamoDbClient noRetries;
    static DynamoDbClient production;

    @BeforeAll
    static void start() {
        noRetries = TestDynamo.noRetries(proxy, Duration.ofSeconds(2));
        production = TestDynamo.production(proxy, Duration.ofSeconds(2), productionAttempts);
    }

    @BeforeEach
    void fresh() {
        productionAttempts.count.set(0);
    }

    @Test
    void afterTwoCallsTheThirdIsResetAndNotWrittenUntilResumed() {
        proxy.stopAfter(2);
        noRetries.putItem(b -> b.tableName(table).item(item("p1", "x")));
        noRetries.putItem(b -> b.tableName(table).item(item("p2", "x")));

        SdkClientException thrown = assertThrows(SdkClientException.class,
                () -> noRetries.putItem(b -> b.tableName(table).item(item("p3", "x"))));

        assertTrue(LostResponsesTest.causedByIOException(thrown), "a reset: " + thrown);
        assertTrue(TestDynamo.exists(table, "p1"));
        assertTrue(TestDynamo.exists(table, "p2"));
        assertFalse(TestDynamo.exists(table, "p3"), "the refused call never reached DynamoDB");
        assertEquals(2, proxy.callsLetThrough());
        assertEquals(1, proxy.stats().stopped("PutItem"));
        assertEquals(1, proxy.stats().callsStopped());
        assertEquals(3, proxy.stats().calls("PutItem"));
        assertEquals(2, proxy.stats().forwarded("PutItem"));

        // Every later call, any operation, is refused too; an SDK with retries spends its attempts on it.
        assertThrows(SdkClientException.class, () -> production.getItem(b -> b.tableName(table).key(TestDynamo.key("p1"))));
        assertEquals(3, productionAttempts.count.get(), "the reset is an IO error, retried up to max attempts");
        assertEquals(3, proxy.stats().stopped("GetItem"));
        assertEquals(0, proxy.stats().forwarded("GetItem"));

        proxy.resume();
        noRetries.putItem(b -> b.tableName(table).item(item("p3", "x")));
        assertTrue(TestDynamo.exists(table, "p3"));
        assertEquals(2, proxy.callsLetThrough(), "the count of the last arming stays after resume");
        assertEquals(4, proxy.stats().callsStopped());
    }

    @Test
    void stopAfterZeroRefusesTheVeryNextCallAndTheTotalCountsWhatAnOperationCosts() {
        noRetries.putItem(b -> b.tableName(table).item(item("a", "x")));
        noRetries.getItem(b -> b.tableName(table).key(TestDynamo.key("a")));
        assertEquals(2, proxy.stats().totalCalls(), "one operation's calls, all kinds, in one number");
        assertEquals(2, proxy.stats().totalForwarded());

        proxy.stopAfter(0);
        assertThrows(SdkClientException.class, () -> noRetries.putItem(b -> b.tableName(table).item(item("b", "x"))));
        assertFalse(TestDynamo.exists(table, "b"));
        assertEquals(0, proxy.callsLetThrough());
        assertEquals(3, proxy.stats().totalCalls());
        assertEquals(2, proxy.stats().totalForwarded());

        // Rearming starts the count afresh.
        proxy.stopAfter(1);
        noRetries.putItem(b -> b.tableName(table).item(item("b", "x")));
        assertEquals(1, proxy.callsLetThrough());
        assertThrows(SdkClientException.class, () -> noRetries.putItem(b -> b.tableName(table).item(item("c", "x"))));
        assertTrue(TestDynamo.exists(table, "b"));
        assertFalse(TestDynamo.exists(table, "c"));
    }

    @Test
    void stopAfterParsesPrintsBackAndClearResumes() {
        Rules rules = Rules.parse("conflictWindowMs=0,stopAfter=3");
        assertEquals(3, rules.stopAfter());
        assertEquals("conflictWindowMs=0,stopAfter=3", rules.toString());
        assertEquals(-1, rules.resume().stopAfter());
        assertEquals("conflictWindowMs=0", rules.toString());
        assertEquals(-1, Rules.parse("stopAfter=2").clear().stopAfter());
        assertEquals(-1, Rules.none().stopAfter());
        for (String bad : List.of("stopAfter", "stopAfter=-1", "stopAfter=PutItem:2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rules.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rules.parse("bogus=1")).getMessage().contains("stopAfter"));
    }
}

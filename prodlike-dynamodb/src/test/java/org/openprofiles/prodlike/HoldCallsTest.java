package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;
import static org.openprofiles.prodlike.TestDynamo.key;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB that stops answering: held calls get no answer and never reach DynamoDB, not even once released. */
class HoldCallsTest extends TestDynamo.WithProxy {

    @Test
    void aHeldCallIsNeitherAnsweredNorForwardedAndIsResetOnceReleased() throws Exception {
        DynamoDbClient noRetries = TestDynamo.noRetries(proxy, Duration.ofSeconds(10));
        proxy.rules().holdCalls("PutItem");
        Future<?> put = pool.submit(() -> noRetries.putItem(b -> b.tableName(table).item(item("p1", "x"))));
        assertTrue(proxy.awaitHeldNow(1, Duration.ofSeconds(5)), "the put is held");

        assertFalse(noRetries.getItem(b -> b.tableName(table).key(key("p1"))).hasItem(), "other operations pass");
        assertFalse(put.isDone(), "no answer while held");
        assertEquals(0, proxy.stats().forwarded("PutItem"));

        proxy.rules().releaseCalls();
        ExecutionException released = assertThrows(ExecutionException.class, () -> put.get(5, TimeUnit.SECONDS));
        assertTrue(LostResponsesTest.causedByIOException(released.getCause()), "a reset: " + released.getCause());
        assertFalse(TestDynamo.exists(table, "p1"), "a released call never reaches DynamoDB");
        assertEquals(1, proxy.stats().held("PutItem"));
        assertEquals(0, proxy.stats().forwarded("PutItem"));

        noRetries.putItem(b -> b.tableName(table).item(item("p1", "x")));
        assertTrue(TestDynamo.exists(table, "p1"), "calls pass again");
    }

    @Test
    void everyAttemptEndsAtTheClientsOwnTimeoutAndOtherRulesReleaseThem() throws Exception {
        TestDynamo.Attempts attempts = new TestDynamo.Attempts();
        DynamoDbClient production = TestDynamo.production(proxy, Duration.ofMillis(300), attempts);
        proxy.rules(Rules.none().holdCalls("*"));

        long started = System.nanoTime();
        assertThrows(SdkClientException.class, () -> production.getItem(b -> b.tableName(table).key(key("k"))));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(3, attempts.count.get(), "a silence is a timeout, retried up to max attempts");
        assertTrue(tookMs >= 3 * 300, "each attempt waited its socket timeout: " + tookMs + " ms");
        assertEquals(3, proxy.stats().held("GetItem"));
        assertEquals(0, proxy.stats().totalForwarded());
        assertTrue(proxy.awaitHeldNow(3, Duration.ofSeconds(5)), "held after the client gave up");

        proxy.rules(Rules.none());
        assertTrue(proxy.awaitNoneHeld(Duration.ofSeconds(5)), "the rules replaced let their held calls go");
        assertFalse(production.getItem(b -> b.tableName(table).key(key("k"))).hasItem());
        assertEquals(1, proxy.stats().forwarded("GetItem"), "only the call after the hold");
    }

    @Test
    void holdCallsParsesPrintsBackAndClearLiftsIt() {
        Rules rules = Rules.parse("conflictWindowMs=0,holdCalls=PutItem,holdCalls=*");
        assertEquals(Set.of("*", "PutItem"), rules.holdCalls());
        assertEquals("conflictWindowMs=0,holdCalls=*,holdCalls=PutItem", rules.toString());
        assertEquals(rules.toString(), Rules.parse(rules.toString()).toString());
        assertEquals(Set.of(), rules.releaseCalls().holdCalls());
        assertEquals("conflictWindowMs=0", rules.toString());
        assertEquals(Set.of(), Rules.parse("holdCalls=GetItem").clear().holdCalls());
        for (String bad : List.of("holdCalls", "holdCalls=putItem", "holdCalls=PutItem:2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rules.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}

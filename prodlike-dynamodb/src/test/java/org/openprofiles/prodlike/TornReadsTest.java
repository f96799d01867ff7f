package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** Reads are read-committed per item: a BatchGetItem or a Query may see half of a transaction being applied. */
class TornReadsTest extends TestDynamo.WithProxy {
    /** Long enough for the reads below to arrive while the transaction is still in flight. */
    static final long WINDOW_MS = 1_000;

    static DynamoDbClient client;

    @BeforeAll
    static void start() {
        client = TestDynamo.noRetries(proxy, Duration.ofSeconds(5));
    }

    @BeforeEach
    void fresh() {
        proxy.rules(Rules.parse("conflictWindowMs=" + WINDOW_MS + ",tornReads=true"));
    }

    Map<String, String> batchGet(boolean consistent, String... pks) {
        List<Map<String, AttributeValue>> keys = java.util.Arrays.stream(pks).map(TestDynamo::key).toList();
        return StaleReadsTest.byPk(client.batchGetItem(b -> b.requestItems(Map.of(table,
                KeysAndAttributes.builder().keys(keys).consistentRead(consistent).build()))).responses().get(table));
    }

    @Test
    void aConsistentBatchGetDuringATransactionSeesOneItemOldAndTheOtherNew() throws Exception {
        TestDynamo.putItems(client, table, "old", "a", "b");

        Future<?> transaction = inFlight(client, ConflictsTest.put(table, "a"), ConflictsTest.put(table, "b"));
        assertEquals(Map.of("a", "old", "b", "t"), batchGet(true, "a", "b"), "half of the transaction: ConflictsTest.put writes v = t");
        assertEquals(Map.of("b", "t"), batchGet(true, "b"), "each item is committed or not, whoever asks");
        transaction.get(5, TimeUnit.SECONDS);

        assertEquals(Map.of("a", "t", "b", "t"), batchGet(true, "a", "b"), "once released, all of it");
        assertEquals(1, proxy.stats().olderItems());
    }

    @Test
    void aQueryDuringATransactionSeesHalfOfItAndAnItemItCreatesIsNotThereYet() throws Exception {
        client.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("p"), "sk", AttributeValue.fromS("1"),
                "v", AttributeValue.fromS("old"))));
        client.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("p"), "sk", AttributeValue.fromS("2"),
                "v", AttributeValue.fromS("old"))));

        // Written in this order: the 1st and 3rd show their old version (3 had none), the 2nd its new one.
        Future<?> transaction = inFlight(client, put("p", "1"), put("p", "2"), put("p", "3"));
        List<String> seen = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p").consistentRead(true)
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p")))).items().stream()
                .map(item -> item.get("sk").s() + "=" + item.get("v").s()).toList();
        transaction.get(5, TimeUnit.SECONDS);

        assertEquals(List.of("1=old", "2=new"), seen);
        assertEquals(3, client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p")))).count());
    }

    @Test
    void withoutTheRuleReadsDuringATransactionAreNotChanged() throws Exception {
        client.putItem(b -> b.tableName(table).item(item("a", "old")));
        proxy.rules(Rules.none().conflictWindowMs(WINDOW_MS));
        Future<?> transaction = inFlight(client, ConflictsTest.put(table, "a"), ConflictsTest.put(table, "b"));
        batchGet(true, "a", "b");
        transaction.get(5, TimeUnit.SECONDS);
        assertEquals(0, proxy.stats().olderItems());
        assertEquals("conflictWindowMs=25,tornReads=true", Rules.parse("tornReads=true").toString());
        assertEquals("conflictWindowMs=25", Rules.parse("tornReads=false").toString());
        assertTrue(assertThrowsMessage("tornReads=maybe").contains("tornReads=maybe"));
    }

    static String assertThrowsMessage(String spec) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Rules.parse(spec)).getMessage();
    }

    TransactWriteItem put(String pk, String sk) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(Map.of("pk", AttributeValue.fromS(pk),
                "sk", AttributeValue.fromS(sk), "v", AttributeValue.fromS("new"))).build()).build();
    }
}

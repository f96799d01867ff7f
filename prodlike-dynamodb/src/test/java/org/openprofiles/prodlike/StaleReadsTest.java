package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;
import static org.openprofiles.prodlike.TestDynamo.key;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Eventually consistent reads of the base table: a write a moment ago may not show yet. The window
 * is far longer than any test, so only a change of rules ends it.
 */
class StaleReadsTest extends TestDynamo.WithProxy {
    static final long STALE_MS = 60_000;

    static DynamoDbClient client;

    @BeforeAll
    static void start() {
        client = TestDynamo.noRetries(proxy, Duration.ofSeconds(5));
    }

    Map<String, AttributeValue> eventually(String pk) {
        return client.getItem(b -> b.tableName(table).key(key(pk))).item();
    }

    Map<String, AttributeValue> consistently(String pk) {
        return client.getItem(b -> b.tableName(table).key(key(pk)).consistentRead(true)).item();
    }

    static String v(Map<String, AttributeValue> item) {
        return item.isEmpty() ? null : item.get("v").s();
    }

    @Test
    void anEventuallyConsistentGetItemSeesTheVersionBeforeARecentWriteAConsistentOneTheNew() {
        client.putItem(b -> b.tableName(table).item(item("old", "v0"))); // rule off: not remembered
        proxy.rules(Rules.none().staleReadMs(STALE_MS));
        assertEquals("v0", v(eventually("old")));

        client.putItem(b -> b.tableName(table).item(item("a", "v1")));
        assertTrue(eventually("a").isEmpty(), "created a moment ago: not there yet");
        assertEquals("v1", v(consistently("a")));

        client.putItem(b -> b.tableName(table).item(item("a", "v2")));
        assertEquals("v1", v(eventually("a")), "the version before the last write");
        assertEquals("v2", v(consistently("a")));
        assertEquals(Map.of("v", AttributeValue.fromS("v1")), client.getItem(b -> b.tableName(table).key(key("a"))
                .projectionExpression("#v").expressionAttributeNames(Map.of("#v", "v"))).item(), "projected as asked");

        client.deleteItem(b -> b.tableName(table).key(key("a")));
        assertEquals("v2", v(eventually("a")), "deleted a moment ago: still there");
        assertTrue(consistently("a").isEmpty());
        assertEquals(4, proxy.stats().olderItems(), "created, updated, projected, deleted");

        proxy.rules(Rules.none());
        assertTrue(eventually("a").isEmpty(), "caught up");
    }

    @Test
    void updatesTransactionsAndBatchesLeaveTheirPreImagesToo() {
        TestDynamo.putItems(client, table, "before", "u", "t");
        proxy.rules(Rules.none().staleReadMs(STALE_MS));

        client.updateItem(b -> b.tableName(table).key(key("u")).updateExpression("SET v = :v")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("after"))));
        client.transactWriteItems(b -> b.transactItems(ConflictsTest.update(table, "t"), ConflictsTest.put(table, "tx-new")));
        client.batchWriteItem(b -> b.requestItems(Map.of(table, List.of(
                WriteRequest.builder().putRequest(PutRequest.builder().item(item("batch-new", "x")).build()).build()))));

        assertEquals("before", v(eventually("u")));
        assertEquals("before", v(eventually("t")));
        assertTrue(eventually("tx-new").isEmpty());
        assertTrue(eventually("batch-new").isEmpty());
        assertEquals("u", v(consistently("t")), "ConflictsTest.update sets v = u");
    }

    @Test
    void batchGetItemQueryAndScanShowOlderVersionsUnlessConsistent() {
        TestDynamo.putItems(client, table, "old", "updated", "deleted", "untouched");
        proxy.rules(Rules.none().staleReadMs(STALE_MS));
        client.putItem(b -> b.tableName(table).item(item("updated", "new")));
        client.deleteItem(b -> b.tableName(table).key(key("deleted")));
        client.putItem(b -> b.tableName(table).item(item("created", "new")));

        List<Map<String, AttributeValue>> keys = List.of(key("updated"), key("deleted"), key("created"), key("untouched"));
        BatchGetItemResponse eventual = client.batchGetItem(b -> b.requestItems(Map.of(table,
                KeysAndAttributes.builder().keys(keys).build())));
        assertEquals(Map.of("updated", "old", "deleted", "old", "untouched", "old"), byPk(eventual.responses().get(table)));
        BatchGetItemResponse strong = client.batchGetItem(b -> b.requestItems(Map.of(table,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build())));
        assertEquals(Map.of("updated", "new", "created", "new", "untouched", "old"), byPk(strong.responses().get(table)));

        QueryResponse query = client.query(b -> b.tableName(table).keyConditionExpression("pk = :k")
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("updated"))));
        assertEquals(List.of("old"), query.items().stream().map(StaleReadsTest::v).toList());
        assertEquals(0, client.query(b -> b.tableName(table).keyConditionExpression("pk = :k")
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("created")))).count(), "Count lowered to match");
        assertEquals(List.of("new"), client.query(b -> b.tableName(table).keyConditionExpression("pk = :k").consistentRead(true)
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("updated")))).items().stream().map(StaleReadsTest::v).toList());
        // A Scan shows old versions and leaves out what was created; it does not bring deleted items back.
        assertEquals(Map.of("updated", "old", "untouched", "old"), byPk(client.scan(b -> b.tableName(table)).items()));
        assertEquals(Map.of("updated", "new", "created", "new", "untouched", "old"),
                byPk(client.scan(b -> b.tableName(table).consistentRead(true)).items()));
    }

    static Map<String, String> byPk(List<Map<String, AttributeValue>> items) {
        return items.stream().collect(java.util.stream.Collectors.toMap(item -> item.get("pk").s(), StaleReadsTest::v));
    }

    @Test
    void staleReadMsParsesPrintsBackAndIsOffByDefault() {
        assertEquals("conflictWindowMs=25,staleReadMs=500", Rules.parse("staleReadMs=500").toString());
        assertEquals(0, Rules.parse("").staleReadMs());
        assertEquals(0, Rules.parse("staleReadMs=5").clear().staleReadMs());
        for (String bad : List.of("staleReadMs=-1", "staleReadMs=soon")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rules.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rules.parse("bogus=1")).getMessage().contains("staleReadMs"));
        assertFalse(Rules.none().tornReads());
    }
}

package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;
import static org.openprofiles.prodlike.TestDynamo.key;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Index lag: an item written a moment ago is missing from a Query or Scan on an index, never from
 * the base table. The lag is far longer than any test, so nothing here leaves it by itself: only a
 * change of rules does.
 */
class IndexLagTest {
    static final long LAG_MS = 60_000;
    static final String INDEX = "byV";
    static final AtomicInteger TABLES = new AtomicInteger();

    static ProductionLikeDynamo proxy;
    static DynamoDbClient client;
    String table;

    @BeforeAll
    static void start() {
        proxy = TestDynamo.proxy();
        client = TestDynamo.noRetries(proxy, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @BeforeEach
    void fresh() {
        proxy.rules(Rules.none());
        table = newIndexedTable();
        proxy.resetStats();
    }

    /** A table keyed by pk and sk (S) with a global secondary index on v (S), created through the proxy. */
    static String newIndexedTable() {
        String name = "prodlike-indexed-" + TABLES.incrementAndGet();
        client.createTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("v").attributeType(ScalarAttributeType.S).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(INDEX)
                        .keySchema(KeySchemaElement.builder().attributeName("v").keyType(KeyType.HASH).build())
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build()));
        return name;
    }

    QueryResponse onIndex(String v) {
        return client.query(b -> b.tableName(table).indexName(INDEX).keyConditionExpression("v = :v")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(v))));
    }

    /** The pk of each item, sorted (an index orders items of one v by nothing the test controls). */
    static List<String> pks(List<Map<String, AttributeValue>> items) {
        return items.stream().map(item -> item.get("pk").s()).sorted().toList();
    }

    @Test
    void aJustPutItemIsMissingFromTheIndexButNotFromTheBaseTableUntilTheLagIsOff() {
        client.putItem(b -> b.tableName(table).item(item("before", "blue"))); // rule off: not remembered
        proxy.rules(Rules.none().indexLagMs(LAG_MS));
        client.putItem(b -> b.tableName(table).item(item("fresh", "blue")));

        QueryResponse query = onIndex("blue");
        assertEquals(List.of("before"), pks(query.items()));
        assertEquals(1, query.count(), "Count matches the items left");
        assertEquals(2, query.scannedCount(), "ScannedCount as the upstream gave it");
        ScanResponse scan = client.scan(b -> b.tableName(table).indexName(INDEX));
        assertEquals(List.of("before"), pks(scan.items()));
        assertEquals(1, scan.count());
        assertEquals(2, proxy.stats().indexItemsHidden());

        // The base table is never changed, consistent read or not.
        QueryResponse base = client.query(b -> b.tableName(table).keyConditionExpression("pk = :k")
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("fresh"))));
        assertEquals(1, base.count());
        assertEquals("blue", base.items().get(0).get("v").s());
        assertTrue(client.getItem(b -> b.tableName(table).key(key("fresh")).consistentRead(true)).hasItem());
        assertEquals(List.of("before", "fresh"), pks(client.scan(b -> b.tableName(table)).items()));
        assertEquals(2, proxy.stats().indexItemsHidden());

        proxy.rules(Rules.none());
        QueryResponse caughtUp = onIndex("blue");
        assertEquals(List.of("before", "fresh"), pks(caughtUp.items()));
        assertEquals(2, caughtUp.count());
        assertEquals(2, proxy.stats().indexItemsHidden());
        proxy.resetStats();
        assertEquals(0, proxy.stats().indexItemsHidden());
    }

    @Test
    void anUpdateItemMovesAnItemIntoTheIndexLate() {
        client.putItem(b -> b.tableName(table).item(item("moved", "red")));
        client.putItem(b -> b.tableName(table).item(item("stays", "blue")));
        proxy.rules(Rules.none().indexLagMs(LAG_MS));

        client.updateItem(b -> b.tableName(table).key(key("moved")).updateExpression("SET v = :v")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("blue"))));

        assertEquals(List.of("stays"), pks(onIndex("blue").items()));
        assertEquals("blue", TestDynamo.direct().getItem(b -> b.tableName(table).key(key("moved"))).item().get("v").s());
        proxy.rules(Rules.none());
        assertEquals(List.of("moved", "stays"), pks(onIndex("blue").items()));
    }

    @Test
    void writesOfTransactionsAndBatchesLagButAConditionCheckIsNoWrite() {
        client.putItem(b -> b.tableName(table).item(item("checked", "t"))); // rule off: not remembered
        proxy.rules(Rules.none().indexLagMs(LAG_MS));

        // ConflictsTest.put writes v = "t", update sets v = "u", check reads the item only.
        client.transactWriteItems(b -> b.transactItems(ConflictsTest.put(table, "tx-put"),
                ConflictsTest.update(table, "tx-update"), ConflictsTest.check(table, "checked")));
        client.batchWriteItem(b -> b.requestItems(Map.of(table, List.of(
                WriteRequest.builder().putRequest(PutRequest.builder().item(item("batch-1", "t")).build()).build(),
                WriteRequest.builder().putRequest(PutRequest.builder().item(item("batch-2", "t")).build()).build()))));

        QueryResponse t = onIndex("t");
        assertEquals(List.of("checked"), pks(t.items()));
        assertEquals(1, t.count());
        assertEquals(4, t.scannedCount());
        assertEquals(0, onIndex("u").count());
        assertEquals(4, proxy.stats().indexItemsHidden());
        for (String pk : List.of("tx-put", "tx-update", "batch-1", "batch-2")) {
            assertTrue(client.getItem(b -> b.tableName(table).key(key(pk))).hasItem(), pk + " is in the base table");
        }

        proxy.rules(Rules.none().indexLagMs(0));
        assertEquals(List.of("batch-1", "batch-2", "checked", "tx-put"), pks(onIndex("t").items()));
        assertEquals(List.of("tx-update"), pks(onIndex("u").items()));
    }

    @Test
    void aWriteWhoseResponseWasLostCommittedAndLagsToo() {
        proxy.rules(Rules.none().indexLagMs(LAG_MS).loseResponseEvery("PutItem", 1));

        assertThrows(SdkClientException.class, () -> client.putItem(b -> b.tableName(table).item(item("lost", "blue"))));

        assertTrue(TestDynamo.exists(table, "lost"), "the write committed upstream");
        QueryResponse query = onIndex("blue");
        assertEquals(0, query.count());
        assertTrue(query.items().isEmpty());
        assertEquals(1, proxy.stats().dropped("PutItem"));
        assertEquals(1, proxy.stats().indexItemsHidden());
        proxy.rules(Rules.none());
        assertEquals(List.of("lost"), pks(onIndex("blue").items()));
    }

    @Test
    void onlyWritesTheUpstreamAcknowledgedAndProcessedAreRemembered() throws IOException {
        List<String> stored = List.of("deleted", "tx-deleted", "batch-deleted", "batch-put", "unprocessed-put",
                "checked", "failed", "untouched");
        HttpServer fake = fakeDynamo(stored);
        try (ProductionLikeDynamo lagging = ProductionLikeDynamo.start(
                URI.create("http://127.0.0.1:" + fake.getAddress().getPort()), 0, Rules.none().indexLagMs(LAG_MS))) {
            DynamoDbClient viaFake = TestDynamo.noRetries(lagging, Duration.ofSeconds(5));
            viaFake.deleteItem(b -> b.tableName("fake").key(key("deleted")));
            assertThrows(ConditionalCheckFailedException.class,
                    () -> viaFake.putItem(b -> b.tableName("fake").item(item("failed", "blue"))));
            viaFake.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().delete(Delete.builder().tableName("fake").key(key("tx-deleted")).build()).build(),
                    ConflictsTest.check("fake", "checked")));
            BatchWriteItemResponse batch = viaFake.batchWriteItem(b -> b.requestItems(Map.of("fake", List.of(
                    WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key("batch-deleted")).build()).build(),
                    WriteRequest.builder().putRequest(PutRequest.builder().item(item("batch-put", "blue")).build()).build(),
                    WriteRequest.builder().putRequest(PutRequest.builder().item(item("unprocessed-put", "blue")).build()).build()))));
            assertEquals("unprocessed-put", batch.unprocessedItems().get("fake").get(0).putRequest().item().get("pk").s());

            // The fake's index answers every stored item, whatever was written: only the lag removes some.
            QueryResponse query = viaFake.query(b -> b.tableName("fake").indexName(INDEX).keyConditionExpression("v = :v")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("blue"))));
            assertEquals(List.of("unprocessed-put", "checked", "failed", "untouched"),
                    query.items().stream().map(item -> item.get("pk").s()).toList(), "upstream order kept");
            assertEquals(4, query.count());
            assertEquals(stored.size(), query.scannedCount());
            assertEquals(key("untouched"), query.lastEvaluatedKey(), "LastEvaluatedKey as the upstream gave it");
            assertEquals(4, lagging.stats().indexItemsHidden());

            // Not an index, or a strongly consistent (local index) read: unchanged.
            assertEquals(stored.size(), viaFake.scan(b -> b.tableName("fake")).count());
            assertEquals(stored.size(), viaFake.query(b -> b.tableName("fake").indexName("local").consistentRead(true)
                    .keyConditionExpression("pk = :k").expressionAttributeValues(Map.of(":k", AttributeValue.fromS("x")))).count());
            assertEquals(4, lagging.stats().indexItemsHidden());
        } finally {
            fake.stop(0);
        }
    }

    static Map<String, AttributeValue> item3(String pk, String v, String w) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("s"), "v", AttributeValue.fromS(v), "w", AttributeValue.fromS(w));
    }

    /** pk=w of each item, sorted. */
    static List<String> pkW(List<Map<String, AttributeValue>> items) {
        return items.stream().map(item -> item.get("pk").s() + "=" + item.get("w").s()).sorted().toList();
    }

    @Test
    void anUpdatedItemShowsItsOldVersionAndADeletedOrMovedOneStillShows() {
        for (String pk : List.of("updated", "deleted", "moved", "untouched")) client.putItem(b -> b.tableName(table).item(item3(pk, "blue", "old")));
        proxy.rules(Rules.none().indexLagMs(LAG_MS));

        client.updateItem(b -> b.tableName(table).key(key("updated")).updateExpression("SET w = :w")
                .expressionAttributeValues(Map.of(":w", AttributeValue.fromS("new"))));
        client.deleteItem(b -> b.tableName(table).key(key("deleted")));
        client.updateItem(b -> b.tableName(table).key(key("moved")).updateExpression("SET v = :v, w = :w")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("red"), ":w", AttributeValue.fromS("new"))));

        QueryResponse blue = onIndex("blue");
        assertEquals(List.of("deleted=old", "moved=old", "untouched=old", "updated=old"), pkW(blue.items()));
        assertEquals(4, blue.count());
        assertEquals(0, onIndex("red").count(), "moved in a moment ago: not there yet");
        assertEquals(List.of("deleted=old", "moved=old", "untouched=old", "updated=old"),
                pkW(client.scan(b -> b.tableName(table).indexName(INDEX)).items()));
        assertEquals(6, proxy.stats().indexItemsOlder(), "3 in the Query, 3 in the Scan");

        // The base table, read consistently, has moved on.
        assertEquals(List.of("moved=new", "untouched=old", "updated=new"),
                pkW(client.scan(b -> b.tableName(table).consistentRead(true)).items()));
        proxy.rules(Rules.none());
        assertEquals(List.of("untouched=old", "updated=new"), pkW(onIndex("blue").items()));
        assertEquals(List.of("moved=new"), pkW(onIndex("red").items()));
    }

    @Test
    void aProjectionLeavingOutTheTableKeyLagsTooAndStillLeavesItOut() {
        client.putItem(b -> b.tableName(table).item(item3("updated", "blue", "old")));
        proxy.rules(Rules.none().indexLagMs(LAG_MS));
        client.putItem(b -> b.tableName(table).item(item3("fresh", "blue", "new")));
        client.putItem(b -> b.tableName(table).item(item3("updated", "blue", "new")));

        QueryResponse projected = client.query(b -> b.tableName(table).indexName(INDEX).keyConditionExpression("#v = :v")
                .projectionExpression("#v, w").expressionAttributeNames(Map.of("#v", "v"))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("blue"))));

        assertEquals(List.of(Map.of("v", AttributeValue.fromS("blue"), "w", AttributeValue.fromS("old"))), projected.items(),
                "the fresh item left out, the updated one as it was, without the key attributes it did not ask for");
        assertEquals(1, projected.count());
        assertEquals(1, proxy.stats().indexItemsHidden());
        // Asked for, a key attribute stays.
        assertEquals(List.of("updated"), client.query(b -> b.tableName(table).indexName(INDEX).keyConditionExpression("v = :v")
                .projectionExpression("pk").expressionAttributeValues(Map.of(":v", AttributeValue.fromS("blue"))))
                .items().stream().map(item -> item.get("pk").s()).toList());
    }

    @Test
    void keyConditionsAreReadAsDynamoDbReadsThem() {
        JsonNode item = JsonNode.parser().parse("{\"v\":{\"S\":\"blue\"},\"n\":{\"N\":\"10\"},\"s\":{\"S\":\"prefix-\u00e9\"}}");
        assertTrue(condition("#v = :blue AND n BETWEEN :two AND :ten", item));
        assertTrue(condition("(v = :blue) AND (n > :two)", item), "numbers by value, not as text");
        assertTrue(condition("v = :blue and begins_with ( s , :prefix )", item));
        assertEquals(false, condition("v = :blue AND n < :ten", item));
        assertEquals(false, condition("v = :red", item));
        assertEquals(null, KeyCondition.of(request("v = :missing")));
        assertEquals(null, KeyCondition.of(request("v = :blue OR v = :red")));
    }

    static JsonNode request(String expression) {
        return JsonNode.parser().parse("{\"KeyConditionExpression\":" + Json.quote(expression) + ",\"ExpressionAttributeNames\":{\"#v\":\"v\"},"
                + "\"ExpressionAttributeValues\":{\":blue\":{\"S\":\"blue\"},\":red\":{\"S\":\"red\"},\":two\":{\"N\":\"2\"},"
                + "\":ten\":{\"N\":\"10\"},\":prefix\":{\"S\":\"prefix-\"}}}");
    }

    static boolean condition(String expression, JsonNode item) {
        return KeyCondition.of(request(expression)).test(item);
    }

    @Test
    void indexLagMsParsesPrintsBackAndIsOffByDefault() {
        Rules rules = Rules.parse("indexLagMs=1500");
        assertEquals(1500, rules.indexLagMs());
        assertEquals("conflictWindowMs=25,indexLagMs=1500", rules.toString());
        assertEquals(rules.toString(), Rules.parse(rules.toString()).toString());
        assertEquals(7, Rules.parse("conflictWindowMs=0, INDEXLAGMS=7 ,throttleEvery=Query:3").indexLagMs());
        assertEquals("conflictWindowMs=0,throttleEvery=Query:3,indexLagMs=7,latencyMs=2",
                Rules.parse("conflictWindowMs=0,indexlagms=7,throttleEvery=Query:3,latencyMs=2").toString());

        assertEquals(0, Rules.none().indexLagMs());
        assertEquals(0, Rules.defaults().indexLagMs());
        assertEquals(0, Rules.parse("").indexLagMs());
        assertEquals("conflictWindowMs=0", Rules.none().indexLagMs(0).toString());
        assertEquals(0, Rules.none().indexLagMs(5).clear().indexLagMs());
        assertThrows(IllegalArgumentException.class, () -> Rules.none().indexLagMs(-1));
        for (String bad : List.of("indexLagMs", "indexLagMs=-1", "indexLagMs=soon", "indexLagMs=Query:5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rules.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rules.parse("bogus=1")).getMessage().contains("indexLagMs"));
    }

    // ---------------------------------------------------------------- a fake upstream

    /**
     * A DynamoDB that stores nothing: DescribeTable says pk and sk; PutItem of pk "failed" fails its
     * condition, other writes succeed; BatchWriteItem returns the requests whose pk starts with
     * "unprocessed" as UnprocessedItems; every Query and Scan answers all of {@code stored} (v = blue).
     */
    static HttpServer fakeDynamo(List<String> stored) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target == null ? "" : target.substring(target.lastIndexOf('.') + 1);
            JsonNode body = Json.parseObject(exchange.getRequestBody().readAllBytes());
            switch (operation) {
                case "DescribeTable" -> answer(exchange, 200, "{\"Table\":{\"TableName\":\"fake\",\"KeySchema\":["
                        + "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]}}");
                case "PutItem" -> {
                    if ("failed".equals(Json.string(Json.field(Json.field(body, "Item").orElse(null), "pk")
                            .flatMap(pk -> Json.field(pk, "S")).orElse(null)))) {
                        answer(exchange, 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                                + "\"message\":\"The conditional request failed\"}");
                    } else {
                        answer(exchange, 200, "{}");
                    }
                }
                case "BatchWriteItem" -> {
                    StringBuilder unprocessed = new StringBuilder();
                    for (JsonNode write : Json.array(Json.field(Json.field(body, "RequestItems").orElse(null), "fake").orElseThrow())) {
                        JsonNode request = Json.field(write, "PutRequest").orElse(null);
                        JsonNode item = request == null ? null : Json.field(request, "Item").orElse(null);
                        String pk = Json.string(Json.field(item, "pk").flatMap(value -> Json.field(value, "S")).orElse(null));
                        if (pk != null && pk.startsWith("unprocessed")) {
                            if (unprocessed.length() > 0) unprocessed.append(',');
                            Json.write(write, unprocessed);
                        }
                    }
                    answer(exchange, 200, "{\"UnprocessedItems\":{\"fake\":[" + unprocessed + "]}}");
                }
                case "Query", "Scan" -> {
                    StringBuilder items = new StringBuilder();
                    for (String pk : stored) {
                        if (items.length() > 0) items.append(',');
                        items.append("{\"pk\":{\"S\":\"").append(pk).append("\"},\"sk\":{\"S\":\"s\"},\"v\":{\"S\":\"blue\"}}");
                    }
                    answer(exchange, 200, "{\"Count\":" + stored.size() + ",\"Items\":[" + items + "],"
                            + "\"LastEvaluatedKey\":{\"pk\":{\"S\":\"untouched\"},\"sk\":{\"S\":\"s\"}},\"ScannedCount\":" + stored.size() + "}");
                }
                default -> answer(exchange, 200, "{}");
            }
        });
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().add("x-amz-crc32", Long.toString(crc.getValue()));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;
import static org.openprofiles.prodlike.TestDynamo.key;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** The proxy is transparent when no rule applies, speaks DynamoDB's wire shape when one does, and serves many connections. */
class ProxyTest extends TestDynamo.WithProxy {
    static DynamoDbClient client;

    @BeforeAll
    static void start() {
        client = TestDynamo.noRetries(proxy, Duration.ofSeconds(5));
    }

    @Test
    void withoutRulesEveryCallPassesThroughUnchanged() {
        PutItemResponse put = client.putItem(b -> b.tableName(table).item(item("k", "v1")));
        client.updateItem(b -> b.tableName(table).key(key("k")).updateExpression("SET w = :w")
                .expressionAttributeValues(Map.of(":w", AttributeValue.fromS("line\nbreak \"quoted\" \u00e9"))));
        GetItemResponse get = client.getItem(b -> b.tableName(table).key(key("k")).consistentRead(true));
        QueryResponse query = client.query(b -> b.tableName(table).keyConditionExpression("pk = :k")
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("k"))));

        assertEquals("line\nbreak \"quoted\" \u00e9", get.item().get("w").s());
        assertEquals(1, query.count());
        assertNotNull(put.responseMetadata().requestId());
        assertNotEquals("UNKNOWN", put.responseMetadata().requestId(), "DynamoDB Local's request id came through");
        assertThrows(ResourceNotFoundException.class, () -> client.getItem(b -> b.tableName("no-such-table").key(key("k"))));
        assertEquals(Map.of("GetItem", 2L, "PutItem", 1L, "Query", 1L, "UpdateItem", 1L), proxy.stats().forwarded());
    }

    @Test
    void aTransactionConflictHasDynamoDbsExactWireShape() throws Exception {
        proxy.rules().conflictWindowMs(400);
        Future<?> first = inFlight(client, ConflictsTest.update(table, "held"));

        String body = "{\"TransactItems\":[{\"Update\":{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"free\"},\"sk\":{\"S\":\"s\"}},"
                + "\"UpdateExpression\":\"SET v = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}},"
                + "{\"Delete\":{\"TableName\":\"" + table + "\",\"Key\":{\"sk\":{\"S\":\"s\"},\"pk\":{\"S\":\"held\"}}}}]}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxy.endpoint())
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810.TransactWriteItems")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                        + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(400, response.statusCode());
        assertEquals("{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
                + "\"Message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]\","
                + "\"CancellationReasons\":[{\"Code\":\"None\"},{\"Code\":\"TransactionConflict\",\"Message\":\"Transaction is ongoing for the item\"}]}",
                response.body());
        assertEquals("application/x-amz-json-1.0", response.headers().firstValue("Content-Type").orElseThrow());
        CRC32 crc = new CRC32();
        crc.update(response.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(Long.toString(crc.getValue()), response.headers().firstValue("x-amz-crc32").orElseThrow());
        assertTrue(response.headers().firstValue("x-amzn-RequestId").isPresent());
        first.get(5, TimeUnit.SECONDS);
    }

    @Test
    void addedLatencyDelaysEachCallAndOverAHundredConnectionsAreServedAtOnce() throws Exception {
        client.putItem(b -> b.tableName(table).item(item("k", "v")));
        long latency = 300;
        proxy.rules().latency("GetItem", latency, 0);
        int callers = 120;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                long start = System.nanoTime();
                client.getItem(b -> b.tableName(table).key(key("k")));
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }));
        }
        long started = System.nanoTime();
        go.countDown();
        for (Future<Long> call : calls) assertTrue(call.get(10, TimeUnit.SECONDS) >= latency, "each call waited the latency");
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println(callers + " concurrent GetItem with " + latency + " ms added: " + elapsedMs + " ms in all");

        assertTrue(elapsedMs < 10 * latency, callers + " calls of " + latency + " ms took " + elapsedMs + " ms: not concurrent");
        assertEquals(callers, proxy.stats().forwarded("GetItem"));
    }

    @Test
    void rulesParseFromTheHumanSyntaxAndPrintBackToIt() {
        Rules rules = Rules.parse("conflictWindowMs=25,throttleEvery=TransactWriteItems:10,loseResponseEvery=PutItem:7,latencyMs=5");
        assertEquals(25, rules.conflictWindowMs());
        assertEquals(10, rules.throttleEvery("TransactWriteItems"));
        assertEquals(7, rules.loseResponseEvery("PutItem"));
        assertEquals(new Rules.Latency(5, 0), rules.latencyOf("*"));
        assertEquals("conflictWindowMs=25,throttleEvery=TransactWriteItems:10,loseResponseEvery=PutItem:7,latencyMs=5", rules.toString());

        Rules all = Rules.parse(" conflictWindowMs=0 , throttleEvery=PutItem:2, throttleEvery=*:50, throttleAs=ThrottlingException,"
                + "loseResponseAs=timeout, latencyMs=GetItem:3, jitterMs=GetItem:4, jitterMs=2,");
        assertEquals(0, all.conflictWindowMs());
        assertEquals(2, all.throttleEvery("PutItem"));
        assertEquals(50, all.throttleEvery("*"));
        assertEquals(ThrottleStyle.THROTTLING_EXCEPTION, all.throttleAs());
        assertEquals(LossStyle.TIMEOUT, all.loseResponseAs());
        assertEquals(new Rules.Latency(3, 4), all.latencyOf("GetItem"));
        assertEquals(new Rules.Latency(0, 2), all.latencyOf("*"));
        assertEquals(all.toString(), Rules.parse(all.toString()).toString());

        Rules added = Rules.parse("stopAfter=4,tornReads=true,staleReadMs=200,inProgressAfterLossMs=100,indexLagMs=300,"
                + "unprocessItemsEvery=BatchWriteItem:3");
        assertEquals("conflictWindowMs=25,unprocessItemsEvery=BatchWriteItem:3,indexLagMs=300,inProgressAfterLossMs=100,"
                + "staleReadMs=200,tornReads=true,stopAfter=4", added.toString());
        assertEquals(added.toString(), Rules.parse(added.toString()).toString());
        assertEquals("conflictWindowMs=0", added.clear().toString());

        assertEquals(Rules.DEFAULT_CONFLICT_WINDOW_MS, Rules.parse("").conflictWindowMs());
        assertEquals("conflictWindowMs=25", Rules.parse("").toString());
        for (String bad : List.of("conflictWindowMs", "bogus=1", "throttleEvery=PutItem", "throttleEvery=putItem:2",
                "throttleEvery=PutItem:x", "conflictWindowMs=-1", "throttleAs=sometimes", "loseResponseAs=later")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rules.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void itemIdentityIsTheKeyWhateverItsAttributeOrderOrNumberSpelling() {
        ItemKeys keys = new ItemKeys((table, origin) -> List.of("id", "n"));
        JsonNode item = JsonNode.parser().parse("{\"id\":{\"S\":\"a\"},\"n\":{\"N\":\"1.50\"},\"other\":{\"S\":\"x\"}}");
        JsonNode key = JsonNode.parser().parse("{\"n\":{\"N\":\"1.5\"},\"id\":{\"S\":\"a\"}}");
        JsonNode otherKey = JsonNode.parser().parse("{\"n\":{\"N\":\"2\"},\"id\":{\"S\":\"a\"}}");
        assertEquals(keys.fromKey("db", "t", key), keys.fromItem("db", "t", item, null));
        assertNotEquals(keys.fromKey("db", "t", key), keys.fromKey("db", "t", otherKey));
        assertNotEquals(keys.fromKey("db", "t", key), keys.fromKey("db", "t2", key));
        assertNotEquals(keys.fromKey("db", "t", key), keys.fromKey("other", "t", key));
    }

    @Test
    void closeStopsListening() {
        ProductionLikeDynamo other = ProductionLikeDynamo.start(TestDynamo.upstream(), 0);
        assertEquals(Rules.DEFAULT_CONFLICT_WINDOW_MS, other.rules().conflictWindowMs());
        URI endpoint = other.endpoint();
        DynamoDbClient viaOther = TestDynamo.noRetries(other, Duration.ofSeconds(2));
        viaOther.putItem(b -> b.tableName(table).item(item("k", "v")));
        other.close();
        assertThrows(ConnectException.class, () -> new Socket(endpoint.getHost(), endpoint.getPort()).close());
    }
}

package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;

/**
 * The request log line is a CloudWatch Embedded Metric Format record whose metrics say what
 * happened: the status class, and the DynamoDB calls, retries and transaction conflicts counted
 * where the requests meet DynamoDB (checked against the production-like DynamoDB's own counts).
 */
class MetricsTest {
    static final List<String> REQUEST_METRICS = List.of("Requests", "Latency", "BadRequest", "NotFound", "Throttled", "ServerErrors",
            "DynamoDBCalls", "DynamoDBRetries", "TransactionConflicts");

    @Test
    void eachRequestLineIsAnEmbeddedMetricRecordOfItsStatus() {
        ProductionLike.proxy(Rules.defaults()); // no fault: the functions' own client configuration
        ProfileStore store = new DynamoProfileStore(ProductionLike.client(), LocalDynamo.newTable(), Clock.systemUTC());
        PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));
        AddProfileKeyHandler addKey = new AddProfileKeyHandler(new AddProfileKeyService(TestDomains.all(), store));
        List<Map<String, Object>> lines = captured(() -> {
            put.handleRequest(Events.putProfileObject("ExampleDomainName", "CTR", ContentionTest.ctr("metrics-1", "+1 206 555 0100")), null);
            put.handleRequest(Events.putProfileObject("ExampleDomainName", "NoSuchType", "{}"), null);
            put.handleRequest(Events.putProfileObject("ExampleDomainName", "CTR", "{\"contactId\":"), null);
            addKey.handleRequest(Events.request("POST", "/domains/{DomainName}/profiles/keys", "ExampleDomainName",
                    "{\"ProfileId\":\"0123456789abcdef0123456789abcdef\",\"KeyName\":\"_phone\",\"Values\":[\"+12065550199\"]}"), null);
            return null;
        });
        assertEquals(4, lines.size(), lines.toString());
        for (Map<String, Object> line : lines) assertEmbeddedMetricRecord(line);
        assertEquals(List.of(200L, 404L, 400L, 404L), lines.stream().map(l -> number(l, "status")).toList());
        assertEquals(List.of(0L, 1L, 0L, 1L), lines.stream().map(l -> number(l, "NotFound")).toList());
        assertEquals(List.of(0L, 0L, 1L, 0L), lines.stream().map(l -> number(l, "BadRequest")).toList());
        assertEquals(2, number(lines.get(0), "DynamoDBCalls"), "a new caller's contact record: a read and a transaction");
        assertEquals(List.of("PutProfileObject", "PutProfileObject", "PutProfileObject", "AddProfileKey"),
                lines.stream().map(l -> l.get("Operation")).toList());
    }

    @Test
    void conflictsAndRetriesCountedPerRequestAddUpToWhatDynamoDbSaw() throws Exception {
        ProductionLikeDynamo proxy = ProductionLike.proxy(Rules.defaults().conflictWindowMs(25)
                .throttleEvery("BatchGetItem", 5));
        ProfileStore store = new DynamoProfileStore(ProductionLike.client(), LocalDynamo.newTable(), Clock.systemUTC());
        PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));
        put.handleRequest(Events.putProfileObject("ExampleDomainName", "CTR", ContentionTest.ctr("seed", "+1 206 555 0101")), null);
        proxy.resetStats();
        List<Map<String, Object>> lines = captured(() -> {
            List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String contact = "metrics-race-" + (i % 4); // 8 copies of each record at once: they must meet
                calls.add(() -> put.handleRequest(Events.putProfileObject("ExampleDomainName", "CTR",
                        ContentionTest.ctr(contact, "+1 206 555 0101")), TestContext.remaining(15_000)));
            }
            try {
                // A put whose read stays throttled through the SDK's attempts answers 429 (the caller's SDK retries it).
                for (APIGatewayProxyResponseEvent r : ContentionTest.race(16, calls)) {
                    assertTrue(r.getStatusCode() == 200 || r.getStatusCode() == 429, r.getBody());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        assertEquals(32, lines.size());
        var stats = proxy.stats();
        long conflicts = lines.stream().mapToLong(l -> number(l, "TransactionConflicts")).sum();
        long calls = lines.stream().mapToLong(l -> number(l, "DynamoDBCalls")).sum();
        long retries = lines.stream().mapToLong(l -> number(l, "DynamoDBRetries")).sum();
        assertTrue(stats.transactionConflicts() > 0, "the puts met at the wire");
        assertEquals(stats.transactionConflicts() + stats.singleItemConflicts(), conflicts);
        assertTrue(stats.throttled().getOrDefault("BatchGetItem", 0L) > 0, "reads were throttled");
        assertEquals(stats.totalCalls(), calls + retries, "every request the wire saw is a call or an SDK retry of one");
        assertTrue(retries > 0 && retries <= stats.throttled().values().stream().mapToLong(Long::longValue).sum(),
                "the SDK retried throttled attempts, and nothing else here: " + retries);
    }

    @SuppressWarnings("unchecked")
    static void assertEmbeddedMetricRecord(Map<String, Object> line) {
        Map<String, Object> aws = (Map<String, Object>) line.get("_aws");
        assertTrue(aws.get("Timestamp") instanceof Json.JsonNumber, line.toString());
        List<Object> directives = (List<Object>) aws.get("CloudWatchMetrics");
        Map<String, Object> directive = (Map<String, Object>) directives.get(0);
        assertEquals("OpenProfiles", directive.get("Namespace"));
        assertEquals(List.of(List.of("Operation"), List.of()), directive.get("Dimensions"));
        List<String> names = new ArrayList<>();
        for (Object metric : (List<Object>) directive.get("Metrics")) names.add((String) ((Map<String, Object>) metric).get("Name"));
        assertEquals(REQUEST_METRICS, names);
        for (String name : names) assertTrue(line.get(name) instanceof Json.JsonNumber, name + " in " + line);
        assertTrue(line.get("Operation") instanceof String, line.toString());
    }

    static long number(Map<String, Object> line, String name) {
        return Long.parseLong(String.valueOf(line.get(name)));
    }

    /** The JSON lines a piece of work printed (the request log). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> captured(Supplier<Void> work) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            work.get();
        } finally {
            System.setOut(original);
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) lines.add((Map<String, Object>) Json.parse(line));
        return lines;
    }
}

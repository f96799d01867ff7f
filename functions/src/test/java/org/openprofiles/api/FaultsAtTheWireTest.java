package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.model.KeyValue;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;

/**
 * DynamoDB failing where production meets it, on the wire, with the functions' own client (its
 * retries and timeouts): lost responses after a commit, throttling now and then or always, a
 * table that hangs or cannot be reached. Each test checks the fault really happened.
 */
class FaultsAtTheWireTest {
    static final String DOMAIN = "ExampleDomainName";
    ProductionLikeDynamo proxy;
    String table;
    PutProfileObjectHandler put;
    AddProfileKeyHandler addKey;
    StoredData stored;

    @BeforeEach
    void setUp() {
        proxy = ProductionLike.proxy(Rules.defaults());
        table = LocalDynamo.newTable();
        put = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(),
                new DynamoProfileStore(ProductionLike.clientAs(FunctionRoles.PUT_PROFILE_OBJECT), table, Clock.systemUTC()), Clock.systemUTC()));
        addKey = new AddProfileKeyHandler(new AddProfileKeyService(TestDomains.all(),
                new DynamoProfileStore(ProductionLike.clientAs(FunctionRoles.ADD_PROFILE_KEY), table, Clock.systemUTC())));
        stored = new StoredData(LocalDynamo.client(), table);
    }

    static String ctr(String contactId, String phone) {
        return "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
    }

    APIGatewayProxyResponseEvent putCtr(String contactId, String phone) {
        return put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr(contactId, phone)), TestContext.remaining(15_000));
    }

    @Test
    void aResponseLostAfterTheCommitNeitherDuplicatesNorLosesAnything() {
        // Every other transaction commits and its response never arrives; the SDK retries it.
        proxy.rules(Rules.defaults().loseResponseEvery("TransactWriteItems", 2).loseResponseEvery("PutItem", 2));
        for (int i = 0; i < 6; i++) {
            APIGatewayProxyResponseEvent created = putCtr("lost-" + i, String.format("+1 971 555 %04d", i));
            assertEquals(200, created.getStatusCode(), created.getBody());
            APIGatewayProxyResponseEvent attached = putCtr("lost-again-" + i, String.format("+1 971 555 %04d", i));
            assertEquals(200, attached.getStatusCode(), attached.getBody());
            APIGatewayProxyResponseEvent replaced = putCtr("lost-" + i, String.format("+1 971 555 %04d", i));
            assertEquals(200, replaced.getStatusCode(), replaced.getBody());
        }
        assertTrue(proxy.stats().dropped("TransactWriteItems") >= 3, "responses were lost: " + proxy.stats());
        // (Every put is a transaction now: its history record commits with the object.)
        for (int i = 0; i < 6; i++) {
            Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", String.format("+1971555%04d", i)));
            assertEquals(1, holders.size(), "one profile per caller: " + holders);
            assertEquals(holders, stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "lost-again-" + i)));
        }
        assertEquals(new TableContents(6, 18, 12), TableContents.checked(LocalDynamo.client(), table));
        // A request whose response was lost and that was sent again leaves one record: one INGESTED per put, one CREATED per
        // profile, one EXPIRED to come per object (the put again of an object keeps its own).
        Map<String, Integer> records = new java.util.TreeMap<>();
        for (var item : LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
            if (item.get("pk").s().startsWith("D#" + DOMAIN + "#H#")) records.merge(item.get("actionType").s(), 1, Integer::sum);
        }
        assertEquals(Map.of("CREATED", 6, "INGESTED", 18, "EXPIRED", 12), records);
    }

    @Test
    void occasionalThrottlingIsAbsorbed() {
        proxy.rules(Rules.defaults().throttleEvery("BatchGetItem", 3).throttleEvery("TransactWriteItems", 3)
                .throttleEvery("UpdateItem", 2));
        for (int i = 0; i < 9; i++) {
            APIGatewayProxyResponseEvent response = putCtr("busy-" + i, "+1 971 555 0900");
            assertEquals(200, response.getStatusCode(), response.getBody());
        }
        String profileId = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+19715550900")).iterator().next();
        APIGatewayProxyResponseEvent added = addKey.handleRequest(Events.addProfileKey(DOMAIN, profileId, "loyaltyId", "L-1"),
                TestContext.remaining(15_000));
        assertEquals(200, added.getStatusCode(), added.getBody());
        assertTrue(proxy.stats().throttled("BatchGetItem") > 0 && proxy.stats().throttled("TransactWriteItems") > 0,
                "throttling happened: " + proxy.stats());
        assertEquals(new TableContents(1, 11, 9), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void throttledEveryTimeIsA429AndWritesNothing() {
        proxy.rules(Rules.defaults().throttleEvery("BatchGetItem", 1));
        APIGatewayProxyResponseEvent response = putCtr("throttled", "+1 971 555 0999");
        assertEquals(429, response.getStatusCode(), response.getBody());
        assertEquals("ThrottlingException", response.getHeaders().get("x-amzn-ErrorType"));
        assertEquals(DynamoDbClients.MAX_ATTEMPTS, proxy.stats().throttled("BatchGetItem"), "the SDK's own retries ran");

        proxy.rules(Rules.defaults().throttleEvery("TransactWriteItems", 1));
        proxy.resetStats();
        response = putCtr("throttled", "+1 971 555 0999");
        assertEquals(429, response.getStatusCode(), response.getBody());
        assertTrue(proxy.stats().throttled("TransactWriteItems") > 1, "our bounded retries ran");
        assertEquals(new TableContents(0, 0, 0), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void unprocessedKeysAreReadAgainABoundedNumberOfTimes() {
        // A 200 with keys left unprocessed: the SDK does not retry it, the store does.
        proxy.rules(Rules.defaults().unprocessKeysEvery(2));
        for (int i = 0; i < 4; i++) {
            APIGatewayProxyResponseEvent response = putCtr("partial-" + i, "+1 971 555 0600");
            assertEquals(200, response.getStatusCode(), response.getBody());
        }
        assertTrue(proxy.stats().unprocessed("BatchGetItem") >= 2, "keys came back unprocessed: " + proxy.stats());
        assertEquals(new TableContents(1, 5, 4), TableContents.checked(LocalDynamo.client(), table));

        proxy.rules(Rules.defaults().unprocessKeysEvery(1));
        proxy.resetStats();
        APIGatewayProxyResponseEvent response = putCtr("never-read", "+1 971 555 0601");
        assertEquals(429, response.getStatusCode(), response.getBody());
        assertEquals(6, proxy.stats().unprocessed("BatchGetItem"), "six rounds, then the caller is told to back off");
        assertEquals(new TableContents(1, 5, 4), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void aHungTableIsA500WithinTheTimeBudgetAndNothingIsWritten() {
        // DynamoDB accepts the read and never answers in time.
        proxy.rules(Rules.defaults().latency("BatchGetItem", 60_000, 0));
        long started = System.nanoTime();
        APIGatewayProxyResponseEvent response = putCtr("hung", "+1 971 555 0888");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(500, response.getStatusCode(), response.getBody());
        assertEquals("InternalServerException", response.getHeaders().get("x-amzn-ErrorType"));
        assertTrue(took.compareTo(DynamoDbClients.CALL_TIMEOUT.plusSeconds(1)) < 0, "took " + took);
        assertTrue(DynamoDbClients.CALL_TIMEOUT.compareTo(DynamoDbClients.FUNCTION_TIMEOUT.dividedBy(2)) < 0,
                "the SDK gives up well before Lambda would time the function out");
        assertEquals(new TableContents(0, 0, 0), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void aHungTableStillAnswersBeforeAShortFunctionTimesOut() {
        proxy.rules(Rules.defaults().latency("BatchGetItem", 60_000, 0));
        long started = System.nanoTime();
        APIGatewayProxyResponseEvent response = put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("hung", "+1 971 555 0887")),
                TestContext.remaining(2_000));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(500, response.getStatusCode(), response.getBody());
        assertTrue(tookMillis < 2_000, "answered in " + tookMillis + " ms, inside the function's remaining 2 s");
    }

    @Test
    void anUnreachableTableIsA500WithoutInternals() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ProfileStore unreachable = new DynamoProfileStore(ProductionLike.clientFor(URI.create("http://127.0.0.1:" + closedPort)), table,
                Clock.systemUTC());
        PutProfileObjectHandler handler = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), unreachable,
                Clock.systemUTC()));

        APIGatewayProxyResponseEvent response = handler.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("gone", "+1 971 555 0777")),
                TestContext.remaining(15_000));

        assertEquals(500, response.getStatusCode());
        String message = (String) Events.body(response).get("Message");
        assertTrue(message.contains("test-request"), "the message carries the request id: " + message);
        assertFalse(message.contains("127.0.0.1") || message.contains("Exception") || message.contains("at org."),
                "no internals leak: " + message);
        assertEquals(new TableContents(0, 0, 0), TableContents.checked(LocalDynamo.client(), table));
    }
}

package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.EventStreamService;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestKinesis;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Administration over DynamoDB failing on the wire, with the functions' own client: a write whose answer was lost is
 * answered as the success it was (never as a refusal), and a hung table is a 500 before the function's time runs out.
 */
class AdminFaultsTest {
    ProductionLikeDynamo proxy;
    AdminHandler admin;

    @BeforeEach
    void setUp() {
        proxy = ProductionLike.proxy(Rules.defaults());
        String table = LocalDynamo.newTable();
        DynamoDbClient client = ProductionLike.clientAs(FunctionRoles.ADMINISTRATION);
        ConfigReads reads = new ConfigReads(client, table);
        admin = new AdminHandler(new DomainAdminService(reads, new ConfigWrites(client, table), Clock.systemUTC(), ErasureWorker.GRACE),
                new EventStreamService(reads, new EventStreamWrites(client, table), TestKinesis.destinations(), Clock.systemUTC()));
    }

    APIGatewayProxyResponseEvent call(String method, String resource, String domain, String type, String stream, String body,
                                      Context context) {
        Map<String, String> parameters = new HashMap<>();
        if (domain != null) parameters.put("DomainName", domain);
        if (type != null) parameters.put("ObjectTypeName", type);
        if (stream != null) parameters.put("EventStreamName", stream);
        return admin.handleRequest(Events.request(method, resource, domain, body).withPathParameters(parameters), context);
    }

    void ok(String method, String resource, String domain, String type, String stream, String body) {
        APIGatewayProxyResponseEvent response = call(method, resource, domain, type, stream, body, TestContext.remaining(15_000));
        assertEquals(200, response.getStatusCode(), method + " " + resource + ": " + response.getBody());
    }

    @Test
    void aWriteWhoseAnswerWasLostIsAnsweredAsTheSuccessItWas() {
        // Every other write commits and its answer never arrives; the SDK sends it again, and its condition now fails.
        proxy.rules(Rules.defaults().loseResponseEvery("TransactWriteItems", 2).loseResponseEvery("UpdateItem", 2));
        String uri = Json.write(Map.of("Uri", TestKinesis.newStream(1)));
        for (int i = 0; i < 4; i++) {
            String domain = "Lost" + i;
            ok("POST", AdminHandler.DOMAIN, domain, null, null, "{\"DefaultExpirationDays\":30}");
            ok("PUT", AdminHandler.OBJECT_TYPE, domain, "Order", null, "{\"Description\":\"orders\",\"TemplateId\":\"CTR\"}");
            ok("PUT", AdminHandler.DOMAIN, domain, null, null, "{\"DefaultExpirationDays\":7}");
            ok("POST", AdminHandler.EVENT_STREAM, domain, null, "crm", uri);
            ok("DELETE", AdminHandler.EVENT_STREAM, domain, null, "crm", null);
            ok("DELETE", AdminHandler.OBJECT_TYPE, domain, "Order", null, null);
            ok("DELETE", AdminHandler.DOMAIN, domain, null, null, null);
        }
        assertTrue(proxy.stats().dropped("TransactWriteItems") >= 4 && proxy.stats().dropped("UpdateItem") >= 4,
                "answers were lost: " + proxy.stats());
        proxy.rules(Rules.defaults());
        for (int i = 0; i < 4; i++) {
            APIGatewayProxyResponseEvent gone = call("GET", AdminHandler.DOMAIN, "Lost" + i, null, null, null, null);
            assertEquals(404, gone.getStatusCode(), gone.getBody());
            assertTrue(gone.getBody().contains("being erased"), "each domain ended deleted: " + gone.getBody());
        }
    }

    @Test
    void aHungTableIsA500BeforeAShortFunctionTimesOut() {
        proxy.rules(Rules.defaults().latency("BatchGetItem", 60_000, 0).latency("TransactWriteItems", 60_000, 0)
                .latency("UpdateItem", 60_000, 0));
        for (String[] request : new String[][] {
                {"POST", AdminHandler.DOMAIN, "{\"DefaultExpirationDays\":30}"},
                {"GET", AdminHandler.DOMAIN, null},
                {"PUT", AdminHandler.DOMAIN, "{\"DefaultExpirationDays\":7}"}}) {
            long started = System.nanoTime();
            APIGatewayProxyResponseEvent response = call(request[0], request[1], "Hung", null, null, request[2], TestContext.remaining(2_000));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(500, response.getStatusCode(), request[0] + ": " + response.getBody());
            assertTrue(tookMillis < 2_000, request[0] + " answered in " + tookMillis + " ms, inside the function's remaining 2 s");
        }
    }
}

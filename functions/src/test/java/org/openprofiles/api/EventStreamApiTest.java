package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.Node;
import org.openprofiles.testing.TestKinesis;

/** CreateEventStream, GetEventStream, ListEventStreams, DeleteEventStream through the handler, over kinesalite. */
class EventStreamApiTest {
    final Node node = new Node(LocalDynamo.newTable());

    APIGatewayProxyResponseEvent call(String method, String resource, String domain, String name, Map<String, String> query, String body) {
        Map<String, String> parameters = new HashMap<>();
        if (domain != null) parameters.put("DomainName", domain);
        if (name != null) parameters.put("EventStreamName", name);
        APIGatewayProxyRequestEvent event = Events.request(method, resource, domain, body).withPathParameters(parameters)
                .withQueryStringParameters(query);
        return node.admin.handleRequest(event, null);
    }

    Map<String, Object> ok(String method, String resource, String domain, String name, String body) {
        APIGatewayProxyResponseEvent response = call(method, resource, domain, name, null, body);
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    void refused(int status, String words, String method, String resource, String domain, String name, Map<String, String> query, String body) {
        APIGatewayProxyResponseEvent response = call(method, resource, domain, name, query, body);
        assertEquals(status, response.getStatusCode(), response.getBody());
        String message = (String) Events.body(response).get("Message");
        assertTrue(message.contains(words), words + " not in: " + message);
        assertEquals(status == 400 ? "BadRequestException" : "ResourceNotFoundException", response.getHeaders().get("x-amzn-ErrorType"));
    }

    static String uri(String arn) {
        return Json.write(Map.of("Uri", arn));
    }

    @Test
    void anEventStreamIsCreatedReadListedAndDeleted() {
        node.createDomain("Shop");
        String stream = TestKinesis.newStream(1);
        Map<String, Object> created = ok("POST", AdminHandler.EVENT_STREAM, "Shop", "crm", Json.write(Map.of("Uri", stream, "Tags", Map.of("team", "crm"))));
        String account = stream.split(":")[4];
        assertEquals("arn:aws:profile:us-east-1:" + account + ":domains/Shop/event-streams/crm", created.get("EventStreamArn"));
        assertEquals(Map.of("team", "crm"), created.get("Tags"));

        Map<String, Object> got = ok("GET", AdminHandler.EVENT_STREAM, "Shop", "crm", null);
        assertEquals("Shop", got.get("DomainName"));
        assertEquals(created.get("EventStreamArn"), got.get("EventStreamArn"));
        assertEquals("RUNNING", got.get("State"));
        assertEquals(Map.of("Uri", stream, "Status", "HEALTHY"), got.get("DestinationDetails"));
        assertInstanceOf(Json.JsonNumber.class, got.get("CreatedAt"), "epoch seconds");
        long createdAt = Long.parseLong(((Json.JsonNumber) got.get("CreatedAt")).text());
        assertTrue(Math.abs(createdAt - System.currentTimeMillis() / 1000) < 60, "seconds: " + createdAt);
        assertEquals(Map.of("team", "crm"), got.get("Tags"));

        Map<String, Object> list = ok("GET", AdminHandler.EVENT_STREAMS, "Shop", null, null);
        assertEquals(List.of(Map.of("DomainName", "Shop", "EventStreamName", "crm", "EventStreamArn", created.get("EventStreamArn"),
                "State", "RUNNING", "DestinationSummary", Map.of("Uri", stream, "Status", "HEALTHY"), "Tags", Map.of("team", "crm"))),
                list.get("Items"));
        assertNull(list.get("NextToken"));

        // At most one per domain, whatever its name or destination.
        refused(400, "at most one", "POST", AdminHandler.EVENT_STREAM, "Shop", "crm", null, uri(stream));
        refused(400, "at most one", "POST", AdminHandler.EVENT_STREAM, "Shop", "lake", null, uri(TestKinesis.newStream(1)));
        refused(404, "'lake' does not exist", "GET", AdminHandler.EVENT_STREAM, "Shop", "lake", null, null);
        refused(404, "'lake' does not exist", "DELETE", AdminHandler.EVENT_STREAM, "Shop", "lake", null, null);

        assertEquals(Map.of(), ok("DELETE", AdminHandler.EVENT_STREAM, "Shop", "crm", null));
        refused(404, "'crm' does not exist in domain 'Shop'", "GET", AdminHandler.EVENT_STREAM, "Shop", "crm", null, null);
        refused(404, "'crm' does not exist", "DELETE", AdminHandler.EVENT_STREAM, "Shop", "crm", null, null);
        assertEquals(List.of(), ok("GET", AdminHandler.EVENT_STREAMS, "Shop", null, null).get("Items"));
        // Deleted, the domain can have another one.
        ok("POST", AdminHandler.EVENT_STREAM, "Shop", "lake", uri(stream));
    }

    @Test
    void aDestinationThatGoesAwayIsReportedUnhealthy() {
        node.createDomain("Gone");
        String stream = TestKinesis.newStream(1);
        ok("POST", AdminHandler.EVENT_STREAM, "Gone", "crm", uri(stream));
        TestKinesis.get().client().deleteStream(r -> r.streamName(stream.substring(stream.lastIndexOf('/') + 1)));
        @SuppressWarnings("unchecked")
        Map<String, Object> destination = (Map<String, Object>) ok("GET", AdminHandler.EVENT_STREAM, "Gone", "crm", null).get("DestinationDetails");
        assertEquals("UNHEALTHY", destination.get("Status"));
        assertTrue(((String) destination.get("Message")).contains("does not exist"), destination.toString());
    }

    @Test
    void badRequestsAre400sNamingTheField() {
        node.createDomain("Strict");
        String stream = TestKinesis.newStream(1);
        String missing = stream.substring(0, stream.lastIndexOf('/') + 1) + "no-such-stream";
        String otherAccount = stream.replace(":" + stream.split(":")[4] + ":", ":123456789012:");
        String otherRegion = stream.replace(":us-east-1:", ":eu-west-1:");
        refused(400, "Uri is required", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null, "{}");
        refused(400, "Uri must be a string", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null, "{\"Uri\":7}");
        refused(400, "Request body is required", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null, null);
        refused(400, "not valid JSON", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null, "{");
        refused(400, "Uri must be between 1 and 255", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null, uri("a".repeat(256)));
        refused(400, "Uri must be the ARN of a Kinesis data stream", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null,
                uri("arn:aws:sqs:us-east-1:123456789012:queue"));
        refused(400, "Uri must be the ARN of a Kinesis data stream", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null,
                uri("arn:aws:kinesis:us-east-1:123456789012:stream/bad name"));
        for (String arn : List.of(missing, otherAccount, otherRegion)) {
            refused(400, "Uri: the Kinesis data stream '" + arn + "' does not exist", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null, uri(arn));
        }
        refused(400, "EventStreamName must match", "POST", AdminHandler.EVENT_STREAM, "Strict", "bad.name", null, uri(stream));
        refused(400, "EventStreamName must be between 1 and 64", "POST", AdminHandler.EVENT_STREAM, "Strict", "n".repeat(65), null, uri(stream));
        refused(400, "EventStreamName must match", "GET", AdminHandler.EVENT_STREAM, "Strict", "bad name", null, null);
        refused(400, "DomainName must match", "GET", AdminHandler.EVENT_STREAMS, "bad domain", null, null, null);
        refused(400, "Tags", "POST", AdminHandler.EVENT_STREAM, "Strict", "crm", null, Json.write(Map.of("Uri", stream, "Tags", Map.of("aws:x", "y"))));
        refused(400, "max-results", "GET", AdminHandler.EVENT_STREAMS, "Strict", null, Map.of("max-results", "0"), null);
        refused(400, "next-token", "GET", AdminHandler.EVENT_STREAMS, "Strict", null, Map.of("next-token", "forged"), null);
        refused(404, "Domain 'Nope' does not exist", "POST", AdminHandler.EVENT_STREAM, "Nope", "crm", null, uri(stream));
        refused(404, "Domain 'Nope' does not exist", "GET", AdminHandler.EVENT_STREAMS, "Nope", null, null, null);
        refused(404, "Domain 'Nope' does not exist", "DELETE", AdminHandler.EVENT_STREAM, "Nope", "crm", null, null);
        // Nothing was created by the refusals.
        assertEquals(List.of(), ok("GET", AdminHandler.EVENT_STREAMS, "Strict", null, null).get("Items"));
    }

    @Test
    void aDeletedDomainTakesItsEventStreamWithIt() {
        node.createDomain("Temp");
        String stream = TestKinesis.newStream(1);
        ok("POST", AdminHandler.EVENT_STREAM, "Temp", "crm", uri(stream));
        assertEquals(200, node.deleteDomain("Temp").getStatusCode());
        refused(404, "Domain 'Temp' was deleted", "GET", AdminHandler.EVENT_STREAM, "Temp", "crm", null, null);
        refused(404, "Domain 'Temp'", "POST", AdminHandler.EVENT_STREAM, "Temp", "other", null, uri(stream));
    }
}

package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.TestDomains;

/** The logs of a run of the seed examples: one structured line per request, and no customer data. */
class RequestLogTest {
    @Test
    void logsCarryRequestFactsButNoCustomerData() throws Exception {
        ProfileStore store = new DynamoProfileStore(LocalDynamo.client(), LocalDynamo.newTable(), Clock.systemUTC());
        Domains domains = TestDomains.all();
        PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
        AddProfileKeyHandler addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(domains, store));

        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int requests = 0;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // Every shipped event, then the seed examples with a customer's phone and email.
            for (Path file : EventsReplayTest.events().toList()) { // the API events (events/streams/ holds Kinesis ones)
                var event = Events.fromJson(Files.readString(file));
                var handler = event.getResource().endsWith("/keys") ? addKey
                        : event.getHttpMethod().equals("PUT") ? put : read;
                handler.handleRequest(event, null);
                requests++;
            }
            put.handleRequest(Events.putProfileObject("TestDomain", "Account",
                    "{\"email\":\"jane.doe@example.com\",\"phone\":\"+1 206 555 0177\",\"name\":\"Jane\"}"), null);
            put.handleRequest(Events.putProfileObject("ExampleDomainName", "CTR",
                    "{\"contactId\":\"secret-contact\",\"customerEndpoint\":{\"address\":\"+1 206 555 0177\"}}"), null);
            read.handleRequest(Events.searchProfiles("TestDomain", "_email", "jane.doe@example.com"), null);
            put.handleRequest(Events.putProfileObject("ExampleDomainName", "CTR", "{\"contactId\":\"jane.doe@example.com\""), null);
            requests += 4;
        } finally {
            System.setOut(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        for (String secret : List.of("jane.doe@example.com", "206 555 0177", "2065550177", "Jane", "secret-contact",
                "212 555-1234", "John", "Smith", "valueOfTheContactId", "customerEndpoint")) {
            assertFalse(log.contains(secret), "the log holds customer data: " + secret);
        }
        List<String> lines = log.lines().toList();
        assertEquals(requests, lines.size(), log);
        for (String line : lines) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) Json.parse(line);
            assertTrue(entry.keySet().containsAll(Set.of("level", "requestId", "Operation", "status", "Latency", "_aws")), line);
            assertEquals("INFO", entry.get("level"));
        }
    }

    /**
     * The failure path, with customer data in the failing request and in the error DynamoDB sends
     * back (a DynamoDB that quotes the request in its message, as validation errors quote values):
     * the ERROR line names the exception and where, never the data.
     */
    @Test
    void theFailurePathLogsNoCustomerDataEither() throws Exception {
        HttpServer quoting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        quoting.createContext("/", exchange -> {
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] body = Json.write(Map.of("__type", "com.amazon.coral.validate#ValidationException",
                    "message", "One or more parameter values were invalid: " + request)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        quoting.start();
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            ProfileStore store = new DynamoProfileStore(ProductionLike.clientFor(URI.create("http://127.0.0.1:" + quoting.getAddress().getPort())),
                    "any", Clock.systemUTC());
            Domains domains = TestDomains.all();
            PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            var response = put.handleRequest(Events.putProfileObject("TestDomain", "Account",
                    "{\"email\":\"jane.doe@example.com\",\"phone\":\"+1 206 555 0177\",\"name\":\"Jane\",\"note\":\"body-secret\"}"), null);
            assertEquals(500, response.getStatusCode(), response.getBody());
        } finally {
            System.setOut(original);
            quoting.stop(0);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("\"level\":\"ERROR\""), "the failure path ran: " + log);
        assertTrue(log.contains("DynamoDbException"), "it names the failure: " + log);
        for (String secret : List.of("jane.doe@example.com", "2065550177", "206 555 0177", "Jane", "body-secret", "parameter values")) {
            assertFalse(log.contains(secret), "the log holds customer data: " + secret);
        }
    }
}

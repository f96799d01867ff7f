package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.json.Json;
import org.openprofiles.local.KinesisReader.Event;

/**
 * The emulator serves before its Kinesis has joined: what a user sees meanwhile. Health says "starting"; a request
 * that needs Kinesis waits for it, and past the bound answers ThrottlingException saying Kinesis is still starting;
 * once Kinesis is ready everything works and no event of the meantime is lost; once it is off, requests say why.
 */
class EmulatorKinesisTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String TABLE = "openprofiles";

    @Test
    void whileKinesisStartsRequestsWaitBoundedThenEverythingWorksOnceItIsReady() throws Exception {
        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
        EmulatorKinesis kinesis = EmulatorKinesis.starting(Duration.ofMillis(300));
        try (LocalApi api = LocalApi.start(0, new LocalApi.Backends(dynamo.dynamoDbClient(), dynamo.dynamoDbStreamsClient(), null), TABLE,
                DomainLoader.classpathFiles(), kinesis)) {
            assertEquals(Map.of("status", "ok", "kinesis", "starting"), Json.parse(send(api, "GET", LocalApi.HEALTH_PATH, null).body()));
            // The profile operations need no Kinesis: they answer at once.
            assertEquals(200, putRecord(api, "before", "+1 206 555 0140").statusCode());

            String streamArn = LocalBackends.kinesis().createStream("joining-" + UUID.randomUUID(), 2);
            HttpResponse<String> early = send(api, "POST", "/domains/ExampleDomainName/event-streams/joining", Json.write(Map.of("Uri", streamArn)));
            assertEquals(429, early.statusCode(), early.body());
            assertEquals("ThrottlingException", early.headers().firstValue("x-amzn-ErrorType").orElse(null));
            assertTrue(early.body().contains("Kinesis is still starting"), early.body());

            kinesis.ready(LocalBackends.kinesis().client());
            assertEquals(Map.of("status", "ok", "kinesis", "ready"), Json.parse(send(api, "GET", LocalApi.HEALTH_PATH, null).body()));
            HttpResponse<String> created = send(api, "POST", "/domains/ExampleDomainName/event-streams/joining", Json.write(Map.of("Uri", streamArn)));
            assertEquals(200, created.statusCode(), created.body());
            HttpResponse<String> put = putRecord(api, "after", "+1 206 555 0141");
            assertEquals(200, put.statusCode(), put.body());
            String key = (String) ((Map<?, ?>) Json.parse(put.body())).get("ProfileObjectUniqueKey");
            KinesisReader reader = new KinesisReader(LocalBackends.kinesis().client(), streamArn);
            reader.until(events -> events.stream().map(Event::json).anyMatch(json -> key.equals(json.get("ProfileObjectUniqueKey"))),
                    Duration.ofSeconds(20));
        } finally {
            dynamo.shutdown();
        }
    }

    /** A request that comes in while Kinesis starts and Kinesis joins within the bound: it succeeds, as after a slower start. */
    @Test
    void aRequestWaitingForKinesisSucceedsWhenItJoins() throws Exception {
        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
        EmulatorKinesis kinesis = EmulatorKinesis.starting(EmulatorKinesis.WAIT);
        try (LocalApi api = LocalApi.start(0, new LocalApi.Backends(dynamo.dynamoDbClient(), dynamo.dynamoDbStreamsClient(), null), TABLE,
                DomainLoader.classpathFiles(), kinesis)) {
            String streamArn = LocalBackends.kinesis().createStream("waiting-" + UUID.randomUUID(), 1);
            CompletableFuture<HttpResponse<String>> create = HTTP.sendAsync(request(api, "POST", "/domains/ExampleDomainName/event-streams/waiting",
                    Json.write(Map.of("Uri", streamArn))), HttpResponse.BodyHandlers.ofString());
            kinesis.ready(LocalBackends.kinesis().client());
            HttpResponse<String> created = create.join();
            assertEquals(200, created.statusCode(), created.body());
        } finally {
            dynamo.shutdown();
        }
    }

    /**
     * An event stream kept in the table (a data directory) while the restarted emulator's Kinesis starts: the records
     * written meanwhile are exported once Kinesis is ready, none lost.
     */
    @Test
    void eventsOfAKeptEventStreamWaitForKinesisAndAreNotLost() throws Exception {
        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
        LocalApi.Backends withKinesis = new LocalApi.Backends(dynamo.dynamoDbClient(), dynamo.dynamoDbStreamsClient(), LocalBackends.kinesis().client());
        String streamArn = LocalBackends.kinesis().createStream("kept-" + UUID.randomUUID(), 1);
        try {
            try (LocalApi first = LocalApi.start(0, withKinesis, TABLE)) {
                HttpResponse<String> created = send(first, "POST", "/domains/ExampleDomainName/event-streams/kept", Json.write(Map.of("Uri", streamArn)));
                assertEquals(200, created.statusCode(), created.body());
            }
            EmulatorKinesis kinesis = EmulatorKinesis.starting(EmulatorKinesis.WAIT);
            try (LocalApi restarted = LocalApi.start(0, new LocalApi.Backends(dynamo.dynamoDbClient(), dynamo.dynamoDbStreamsClient(), null), TABLE,
                    DomainLoader.classpathFiles(), kinesis)) {
                HttpResponse<String> put = putRecord(restarted, "meanwhile", "+1 206 555 0142");
                assertEquals(200, put.statusCode(), put.body());
                String key = (String) ((Map<?, ?>) Json.parse(put.body())).get("ProfileObjectUniqueKey");
                kinesis.ready(LocalBackends.kinesis().client());
                KinesisReader reader = new KinesisReader(LocalBackends.kinesis().client(), streamArn);
                reader.until(events -> events.stream().map(Event::json).anyMatch(json -> key.equals(json.get("ProfileObjectUniqueKey"))),
                        Duration.ofSeconds(30));
            }
        } finally {
            dynamo.shutdown();
        }
    }

    @Test
    void onceKinesisIsOffRequestsSayWhy() throws Exception {
        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
        EmulatorKinesis kinesis = EmulatorKinesis.starting(EmulatorKinesis.WAIT);
        try (LocalApi api = LocalApi.start(0, new LocalApi.Backends(dynamo.dynamoDbClient(), dynamo.dynamoDbStreamsClient(), null), TABLE,
                DomainLoader.classpathFiles(), kinesis)) {
            kinesis.off("kinesalite exited before listening");
            assertEquals(Map.of("status", "ok", "kinesis", "off"), Json.parse(send(api, "GET", LocalApi.HEALTH_PATH, null).body()));
            HttpResponse<String> refused = send(api, "POST", "/domains/ExampleDomainName/event-streams/off",
                    Json.write(Map.of("Uri", "arn:aws:kinesis:us-east-1:123456789012:stream/off")));
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("this emulator runs without Kinesis (kinesalite exited before listening)"), refused.body());
        } finally {
            dynamo.shutdown();
        }
    }

    static HttpResponse<String> putRecord(LocalApi api, String contactId, String phone) throws Exception {
        String object = Json.write(Map.of("contactId", contactId, "customerEndpoint", Map.of("address", phone)));
        return send(api, "PUT", "/domains/ExampleDomainName/profiles/objects", Json.write(Map.of("ObjectTypeName", "CTR", "Object", object)));
    }

    static HttpRequest request(LocalApi api, String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
    }

    static HttpResponse<String> send(LocalApi api, String method, String path, String body) throws Exception {
        return HTTP.send(request(api, method, path, body), HttpResponse.BodyHandlers.ofString());
    }
}

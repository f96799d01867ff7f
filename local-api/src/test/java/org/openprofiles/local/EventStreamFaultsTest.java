package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.local.KinesisReader.Event;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.store.table.DynamoDbClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The writes that cause events under the production-like DynamoDB's faults (transaction conflicts, throttling, lost
 * responses with the transaction still in progress): every put that answered 200 has its object's event, and each
 * profile is CREATED once (a transaction sent again after a lost response commits once, so it is one change).
 */
class EventStreamFaultsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void everyAcknowledgedWriteUnderFaultsHasItsEventAndProfilesAreCreatedOnce() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DynamoDBProxyServer dynamoLocal = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
        dynamoLocal.start();
        URI upstream = URI.create("http://127.0.0.1:" + port);
        ProductionLikeDynamo proxy = ProductionLikeDynamo.start(upstream, 0, Rules.parse(
                "conflictWindowMs=25,throttleEvery=TransactWriteItems:6,loseResponseEvery=TransactWriteItems:9,inProgressAfterLossMs=50"));
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("faults", "faults"));
        LocalApi.Backends backends = new LocalApi.Backends(
                DynamoDbClients.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials).build(),
                DynamoDbStreamsClient.builder().endpointOverride(upstream).region(Region.US_EAST_1).credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create()).build(),
                LocalBackends.kinesis().client());
        String streamArn = LocalBackends.kinesis().createStream("faults-" + UUID.randomUUID(), 2);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        try (LocalApi api = LocalApi.start(0, backends, "openprofiles")) {
            send(api, "POST", "/domains/ExampleDomainName/event-streams/faults", Json.write(Map.of("Uri", streamArn)));
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        // Three callers shared by every writer: attaches to the same profiles race.
                        String object = Json.write(Map.of("contactId", "f-" + writer + "-" + i,
                                "customerEndpoint", Map.of("address", "+1 206 555 030" + (i % 3))));
                        HttpResponse<String> response = send(api, "PUT", "/domains/ExampleDomainName/profiles/objects",
                                Json.write(Map.of("ObjectTypeName", "CTR", "Object", object)));
                        if (response.statusCode() == 200) {
                            acknowledged.put((String) ((Map<?, ?>) Json.parse(response.body())).get("ProfileObjectUniqueKey"), object);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            writers.shutdown();
            assertTrue(acknowledged.size() >= 20, "most puts succeed under the faults: " + acknowledged.size());
            assertTrue(proxy.stats().throttles() > 0, "the faults ran: " + proxy.stats());

            KinesisReader reader = new KinesisReader(LocalBackends.kinesis().client(), streamArn);
            reader.until(events -> events.stream().filter(e -> "CTR".equals(e.objectType()))
                    .map(e -> (String) e.json().get("ProfileObjectUniqueKey")).collect(Collectors.toSet())
                    .containsAll(acknowledged.keySet()), Duration.ofSeconds(30));
            for (Event event : reader.events) {
                if ("CTR".equals(event.objectType())) {
                    String key = (String) event.json().get("ProfileObjectUniqueKey");
                    if (acknowledged.containsKey(key)) assertEquals(Json.parse(acknowledged.get(key)), event.json().get("Object"));
                }
            }
            Map<String, Long> creations = reader.events.stream().filter(e -> "_profile".equals(e.objectType()) && "CREATED".equals(e.type()))
                    .collect(Collectors.groupingBy(Event::profileId, Collectors.counting()));
            assertEquals(Set.of(1L), Set.copyOf(creations.values()), "each profile created once: " + creations);
            assertEquals(3, creations.size(), "three callers, three profiles");
        } finally {
            proxy.close();
            dynamoLocal.stop();
        }
    }

    static HttpResponse<String> send(LocalApi api, String method, String path, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

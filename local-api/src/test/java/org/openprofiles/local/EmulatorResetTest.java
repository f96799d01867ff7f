package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.AdminHandler;
import org.openprofiles.api.ProfileLifecycleHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.json.Json;
import org.openprofiles.store.config.ConfigItems;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Issue 27's test conveniences: {@code POST /_openprofiles/reset} drops everything created since the start and applies
 * the seeded domains again, under requests that keep coming and with the exporter reading the same change stream;
 * {@code GET /_openprofiles/health}. Both exist in the local API only.
 */
class EmulatorResetTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String TABLE = "openprofiles";
    static final String DOMAIN = "ExampleDomainName";
    static final List<String> SEEDED_TYPES = List.of("CTR", "MyCustomObjectName");
    static final String LOYALTY = Json.write(Map.of("Description", "Loyalty members", "AllowProfileCreation", true,
            "Fields", Map.of("memberId", Map.of("Source", "_source.memberId"),
                    "email", Map.of("Source", "_source.email", "Target", "_profile.EmailAddress", "ContentType", "EMAIL_ADDRESS")),
            "Keys", Map.of("memberId", List.of(Map.of("StandardIdentifiers", List.of("UNIQUE"), "FieldNames", List.of("memberId"))),
                    "_email", List.of(Map.of("StandardIdentifiers", List.of("PROFILE"), "FieldNames", List.of("email"))))));

    static HttpResponse<String> send(LocalApi api, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> call(LocalApi api, int expected, String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(api, method, path, body);
        assertEquals(expected, response.statusCode(), method + " " + path + ": " + response.body());
        return response.body().isEmpty() ? Map.of() : (Map<String, Object>) Json.parse(response.body());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(Map<String, Object> response) {
        return (List<Map<String, Object>>) response.get("Items");
    }

    static String putRecord(LocalApi api, String contactId, String phone) throws Exception {
        String object = Json.write(Map.of("contactId", contactId, "customerEndpoint", Map.of("address", phone)));
        return (String) call(api, 200, "PUT", "/domains/" + DOMAIN + "/profiles/objects",
                Json.write(Map.of("ObjectTypeName", "CTR", "Object", object))).get("ProfileObjectUniqueKey");
    }

    static List<String> search(LocalApi api, String keyName, String value) throws Exception {
        return items(call(api, 200, "POST", "/domains/" + DOMAIN + "/profiles/search",
                Json.write(Map.of("KeyName", keyName, "Values", List.of(value))))).stream().map(i -> (String) i.get("ProfileId")).toList();
    }

    static Set<String> names(Map<String, Object> list, String member) {
        return items(list).stream().map(i -> (String) i.get(member)).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every key in the table. */
    static Set<String> pks(DynamoDbClient dynamo) {
        return dynamo.scanPaginator(r -> r.tableName(TABLE).consistentRead(true)).items().stream()
                .map(item -> item.get("pk").s()).collect(Collectors.toCollection(TreeSet::new));
    }

    static LocalApi.Backends backends(AmazonDynamoDBLocal embedded) {
        return new LocalApi.Backends(embedded.dynamoDbClient(), embedded.dynamoDbStreamsClient(), LocalBackends.kinesis().client());
    }

    @Test
    void aResetDropsEverythingCreatedSinceTheStartAndAppliesTheSeededDomainsAgain() throws Exception {
        AmazonDynamoDBLocal embedded = DynamoDBEmbedded.create(true);
        DynamoDbClient dynamo = embedded.dynamoDbClient();
        // The erasure worker runs every 50 ms (the reset holds it off); the grace keeps the deleted domain's job pending.
        try (LocalApi api = LocalApi.start(0, backends(embedded), TABLE, Duration.ofMinutes(10), Duration.ofMillis(50))) {
            Set<String> seeded = pks(dynamo);
            assertFalse(seeded.isEmpty());
            assertEquals(Set.copyOf(SEEDED_TYPES), names(call(api, 200, "GET", "/domains/" + DOMAIN + "/object-types", null), "ObjectTypeName"));

            // What a test creates: a domain with a type and data, a type and data in the seeded domain (its configuration
            // now cached with that type), a contact record's profile, a created profile, a deleted domain waiting for
            // its erasure, an event stream.
            call(api, 200, "POST", "/domains/Scratch", "{\"DefaultExpirationDays\":30}");
            call(api, 200, "PUT", "/domains/Scratch/object-types/Loyalty", LOYALTY);
            call(api, 200, "PUT", "/domains/Scratch/profiles/objects", Json.write(Map.of("ObjectTypeName", "Loyalty",
                    "Object", "{\"memberId\":\"m-1\",\"email\":\"m1@example.com\"}")));
            call(api, 200, "PUT", "/domains/" + DOMAIN + "/object-types/Loyalty", LOYALTY);
            call(api, 200, "PUT", "/domains/" + DOMAIN + "/profiles/objects", Json.write(Map.of("ObjectTypeName", "Loyalty",
                    "Object", "{\"memberId\":\"m-2\",\"email\":\"m2@example.com\"}")));
            putRecord(api, "c-1", "+1 206 555 0101");
            List<String> inferred = search(api, "_phone", "+12065550101");
            assertEquals(1, inferred.size());
            String created = (String) call(api, 200, "POST", "/domains/" + DOMAIN + "/profiles",
                    "{\"FirstName\":\"Jane\",\"EmailAddress\":\"jane@example.com\"}").get("ProfileId");
            assertEquals(List.of(created), search(api, "_profileId", created));
            call(api, 200, "POST", "/domains/Doomed", "{\"DefaultExpirationDays\":30}");
            call(api, 200, "DELETE", "/domains/Doomed", null);
            String streamArn = LocalBackends.kinesis().createStream("reset-" + UUID.randomUUID(), 1);
            call(api, 200, "POST", "/domains/" + DOMAIN + "/event-streams/out", Json.write(Map.of("Uri", streamArn)));
            Set<String> before = pks(dynamo);
            assertTrue(before.size() >= seeded.size() + 10, before.toString());

            Map<String, Object> reset = call(api, 200, "POST", LocalApi.RESET_PATH, null);
            assertEquals("ok", reset.get("status"), reset.toString());
            assertEquals(List.of(DOMAIN), reset.get("domains"));
            assertEquals(before.size(), Integer.parseInt(((Json.JsonNumber) reset.get("deletedItems")).text()), "every item, seeded ones included");

            assertEquals(seeded, pks(dynamo), "exactly the seeded items, nothing else");
            assertTrue(call(api, 404, "GET", "/domains/Scratch", null).toString().contains("does not exist"));
            call(api, 404, "GET", "/domains/Doomed", null);
            assertEquals(Set.of(DOMAIN), names(call(api, 200, "GET", "/domains", null), "DomainName"));
            call(api, 200, "GET", "/domains/" + DOMAIN, null);
            assertEquals(Set.copyOf(SEEDED_TYPES), names(call(api, 200, "GET", "/domains/" + DOMAIN + "/object-types", null), "ObjectTypeName"));
            for (String type : SEEDED_TYPES) call(api, 200, "GET", "/domains/" + DOMAIN + "/object-types/" + type, null);
            call(api, 404, "GET", "/domains/" + DOMAIN + "/object-types/Loyalty", null);
            // The configuration cached with Loyalty is not used: the re-created domain has a new version.
            call(api, 404, "PUT", "/domains/" + DOMAIN + "/profiles/objects", Json.write(Map.of("ObjectTypeName", "Loyalty",
                    "Object", "{\"memberId\":\"m-3\",\"email\":\"m3@example.com\"}")));
            assertEquals(List.of(), search(api, "_phone", "+12065550101"));
            assertEquals(List.of(), search(api, "_profileId", created));
            assertEquals(List.of(), items(call(api, 200, "GET", "/domains/" + DOMAIN + "/event-streams", null)));

            // New writes work, and every name is free again.
            putRecord(api, "c-1", "+1 206 555 0101");
            List<String> again = search(api, "_phone", "+12065550101");
            assertEquals(1, again.size());
            assertNotEquals(inferred.get(0), again.get(0), "a new profile");
            call(api, 200, "POST", "/domains/Scratch", "{\"DefaultExpirationDays\":30}");
            call(api, 200, "POST", "/domains/Doomed", "{\"DefaultExpirationDays\":30}");
            call(api, 200, "PUT", "/domains/" + DOMAIN + "/object-types/Loyalty", LOYALTY);

            // A second reset right after: the same seeded state again.
            call(api, 200, "POST", LocalApi.RESET_PATH, "{}");
            assertEquals(seeded, pks(dynamo));
        }
    }

    /**
     * Puts from four threads while a reset runs: each put is wholly before the reset (gone after it) or wholly after
     * it (kept); none fails. A put answered before the reset was sent is gone, a put sent after its answer is kept.
     */
    @Test
    void requestsDuringAResetEachLandWhollyBeforeOrWhollyAfterIt() throws Exception {
        int threads = 4;
        int maxPuts = 400;
        try (LocalApi api = LocalApi.start(0, LocalBackends.embedded(), TABLE)) {
            CountDownLatch running = new CountDownLatch(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            record Put(String contactId, String uniqueKey, long sent, long answered) {}
            List<Future<List<Put>>> results = new ArrayList<>();
            ResetState state = new ResetState();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Put> puts = new ArrayList<>();
                    int afterReset = 0;
                    for (int i = 0; i < maxPuts && afterReset < 5; i++) {
                        long sent = System.nanoTime();
                        String contactId = "t" + thread + "-" + i;
                        String key = putRecord(api, contactId, phone(thread));
                        puts.add(new Put(contactId, key, sent, System.nanoTime()));
                        if (i == 4) running.countDown();
                        if (state.answered && sent > state.answeredAt) afterReset++;
                    }
                    return puts;
                }));
            }
            assertTrue(running.await(60, TimeUnit.SECONDS), "the writers run");
            long resetSent = System.nanoTime();
            call(api, 200, "POST", LocalApi.RESET_PATH, null);
            long resetAnswered = System.nanoTime();
            state.answeredAt = resetAnswered;
            state.answered = true;
            pool.shutdown();
            assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS));

            for (int t = 0; t < threads; t++) {
                List<Put> puts = results.get(t).get();
                Set<String> stored = new HashSet<>();
                List<String> profiles = search(api, "_phone", phone(t));
                assertTrue(profiles.size() <= 1, profiles.toString());
                if (!profiles.isEmpty()) stored.addAll(objectKeys(api, profiles.get(0)));
                int kept = 0;
                for (Put put : puts) {
                    if (put.answered() < resetSent) assertFalse(stored.contains(put.uniqueKey()), put + " was answered before the reset");
                    if (put.sent() > resetAnswered) {
                        assertTrue(stored.contains(put.uniqueKey()), put + " was sent after the reset");
                        kept++;
                    }
                }
                assertTrue(kept >= 5, "thread " + t + ": " + kept + " of " + puts.size() + " puts after the reset");
                Set<String> written = puts.stream().map(Put::uniqueKey).collect(Collectors.toSet());
                assertTrue(written.containsAll(stored), "only this thread's records: " + stored);
            }
        }
    }

    static String phone(int thread) {
        return "+1 206 555 02" + thread + "0";
    }

    static final class ResetState {
        volatile boolean answered;
        volatile long answeredAt;
    }

    /** The unique keys of a profile's contact records, every page. */
    static Set<String> objectKeys(LocalApi api, String profileId) throws Exception {
        Set<String> keys = new HashSet<>();
        String token = null;
        for (int page = 0; page < 10; page++) {
            String query = "?max-results=100" + (token == null ? "" : "&next-token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            Map<String, Object> response = call(api, 200, "POST", "/domains/" + DOMAIN + "/profiles/objects" + query,
                    Json.write(Map.of("ObjectTypeName", "CTR", "ProfileId", profileId)));
            for (Map<String, Object> item : items(response)) keys.add((String) item.get("ProfileObjectUniqueKey"));
            token = (String) response.get("NextToken");
            if (token == null) return keys;
        }
        throw new AssertionError("more than 10 pages of objects");
    }

    /**
     * The reset's deletions go through the table's change stream, which the exporter keeps reading: none of them reaches
     * an event stream, not even one created right after the reset (while the exporter may still be behind), and the
     * changes after the reset are exported. Five rounds, each a profile exported, a reset, a new event stream at once.
     * (Whether a lagging exporter would export the deletions depends on its timing here; the skip past them is checked
     * deterministically by DynamoDbStreamEventSourceTest.)
     */
    @Test
    void theExporterKeepsReadingTheSameStreamAndExportsNothingOfTheReset() throws Exception {
        String streamArn = LocalBackends.kinesis().createStream("reset-export-" + UUID.randomUUID(), 1);
        try (LocalApi api = LocalApi.start(0, LocalBackends.embedded(), TABLE)) {
            KinesisReader reader = new KinesisReader(LocalBackends.kinesis().client(), streamArn);
            List<String> profiles = new ArrayList<>();
            for (int round = 0; round <= 5; round++) {
                call(api, 200, "POST", "/domains/" + DOMAIN + "/event-streams/out", Json.write(Map.of("Uri", streamArn)));
                String phone = "+1 206 555 03" + (10 + round);
                putRecord(api, "c-" + round, phone);
                String profile = search(api, "_phone", phone).get(0);
                profiles.add(profile);
                reader.until(read -> read.stream().anyMatch(e -> profile.equals(e.profileId()) && "CTR".equals(e.objectType())),
                        EventStreamStoryTest.WITHIN);
                if (round < 5) call(api, 200, "POST", LocalApi.RESET_PATH, null);
            }
            // The last round's record was exported after every reset's deletions (one shard of changes, in order).
            assertTrue(reader.events.stream().noneMatch(e -> "DELETED".equals(e.type())), "nothing of the resets exported: " + reader.events);
            for (String profile : profiles) {
                assertEquals(List.of("CREATED _profile", "CREATED CTR"),
                        reader.ofProfile(profile).stream().map(e -> e.type() + " " + e.objectType()).toList(), reader.events.toString());
            }
            assertEquals(2 * profiles.size(), reader.events.size(), reader.events.toString());
        }
    }

    @Test
    void healthAnswersAndTheConveniencesAreTheLocalApisOnly() throws Exception {
        try (LocalApi api = LocalApi.start(0, LocalBackends.embedded(), TABLE)) {
            HttpResponse<String> health = send(api, "GET", LocalApi.HEALTH_PATH, null);
            assertEquals(200, health.statusCode());
            assertEquals("application/json", health.headers().firstValue("Content-Type").orElse(null));
            assertEquals(Map.of("status", "ok", "kinesis", "ready"), Json.parse(health.body()));
            // Another method is an unknown route, answered as API Gateway answers one.
            for (List<String> route : List.of(List.of("GET", LocalApi.RESET_PATH), List.of("POST", LocalApi.HEALTH_PATH),
                    List.of("GET", "/_openprofiles/other"))) {
                HttpResponse<String> response = send(api, route.get(0), route.get(1), null);
                assertEquals(403, response.statusCode(), route.toString());
                assertEquals("MissingAuthenticationTokenException", response.headers().firstValue("x-amzn-ErrorType").orElse(null));
            }
        }
        // The deployed API routes the handlers' resources (the template tests check its route table is exactly these).
        List<String> deployed = new ArrayList<>();
        for (List<String> route : AdminHandler.ROUTES) deployed.add(route.get(1));
        deployed.addAll(List.of(PutProfileObjectHandler.RESOURCE, AddProfileKeyHandler.RESOURCE, ReadProfilesHandler.SEARCH_RESOURCE,
                ReadProfilesHandler.OBJECTS_RESOURCE, ReadProfilesHandler.BATCH_GET_RESOURCE, ProfileLifecycleHandler.PROFILES_RESOURCE,
                ProfileLifecycleHandler.DELETE_RESOURCE, ProfileLifecycleHandler.DELETE_KEY_RESOURCE,
                ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE, ProfileLifecycleHandler.MERGE_RESOURCE));
        for (List<String> local : LocalApi.LOCAL_ONLY_ROUTES) {
            assertTrue(local.get(1).startsWith("/_openprofiles/"));
            for (String resource : deployed) assertFalse(resource.startsWith("/_openprofiles"), resource);
        }
        assertTrue(ConfigItems.REGISTRY_PK.startsWith(ConfigItems.PREFIX), "the reset deletes the configuration first");
    }
}

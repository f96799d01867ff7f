package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.local.KinesisReader.Event;

/**
 * Issue 17's story through the local API: an event stream, contact records, UpdateProfile, MergeProfiles and
 * DeleteProfile, each change read back from kinesalite with the SDK's Kinesis client, every field checked; then the
 * exporter restarted in the middle of a burst (nothing lost, the same EventIds again).
 */
class EventStreamStoryTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration WITHIN = Duration.ofSeconds(20);
    static final String DOMAIN = "ExampleDomainName";

    static Map<String, Object> call(LocalApi api, int expected, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), response.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = response.body().isEmpty() ? Map.of() : (Map<String, Object>) Json.parse(response.body());
        return json;
    }

    static String putRecord(LocalApi api, String contactId, String phone, String note) throws Exception {
        String object = Json.write(Map.of("contactId", contactId, "customerEndpoint", Map.of("address", phone), "note", note));
        return (String) call(api, 200, "PUT", "/domains/" + DOMAIN + "/profiles/objects",
                Json.write(Map.of("ObjectTypeName", "CTR", "Object", object))).get("ProfileObjectUniqueKey");
    }

    static String profileOf(LocalApi api, String phone) throws Exception {
        Map<String, Object> found = call(api, 200, "POST", "/domains/" + DOMAIN + "/profiles/search",
                Json.write(Map.of("KeyName", "_phone", "Values", List.of(phone))));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) found.get("Items");
        assertEquals(1, items.size(), found.toString());
        return (String) items.get(0).get("ProfileId");
    }

    /** The members every event has, and the ones it must have as given. */
    static void check(Event event, String type, String objectType, String profileId, String uniqueKey) {
        Map<String, Object> json = event.json();
        assertEquals(new Json.JsonNumber("0"), json.get("SchemaVersion"), json.toString());
        UUID.fromString(event.eventId());
        Instant at = Instant.parse((String) json.get("EventTimestamp"));
        assertTrue(Duration.between(at, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) < 0, "when it changed: " + at);
        assertEquals(type, json.get("EventType"), json.toString());
        assertEquals(DOMAIN, json.get("DomainName"));
        assertEquals(objectType, json.get("ObjectTypeName"));
        assertEquals(profileId, json.get("AssociatedProfileId"));
        assertEquals(uniqueKey, json.get("ProfileObjectUniqueKey"));
        assertEquals(true, json.get("IsMessageRealTime"));
        assertEquals(profileId, event.partitionKey(), "a profile's events share its partition key (one shard, in order)");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Event event) {
        return (Map<String, Object>) event.json().get("Object");
    }

    @Test
    void everyChangeOfTheStoryIsReadBackInOrderPerProfile() throws Exception {
        String streamArn = LocalBackends.kinesis().createStream("story-" + UUID.randomUUID(), 2);
        try (LocalApi api = LocalApi.start(0, LocalBackends.embedded(), "openprofiles")) {
            KinesisReader reader = new KinesisReader(LocalBackends.kinesis().client(), streamArn);
            call(api, 200, "POST", "/domains/" + DOMAIN + "/event-streams/story", Json.write(Map.of("Uri", streamArn)));

            // A contact record from a new number: an inferred profile and the record.
            String c1 = putRecord(api, "c-1", "+1 206 555 0101", "first call");
            String p1 = profileOf(api, "+12065550101");
            reader.until(events -> events.size() >= 2, WITHIN);
            // One transaction wrote both; the profile's creation comes first all the same.
            assertEquals(List.of("_profile", "CTR"), reader.ofProfile(p1).stream().map(Event::objectType).toList());
            Event created = reader.ofProfile(p1).get(0);
            check(created, "CREATED", "_profile", p1, null);
            assertEquals(Map.of("ProfileId", p1, "PhoneNumber", "+1 206 555 0101"), object(created));
            Event record = reader.ofProfile(p1).get(1);
            check(record, "CREATED", "CTR", p1, c1);
            assertEquals(Map.of("contactId", "c-1", "customerEndpoint", Map.of("address", "+1 206 555 0101"), "note", "first call"),
                    object(record), "the object as put, as JSON");

            // A second record of the same caller, and a record from another caller (a second profile).
            String c2 = putRecord(api, "c-2", "+1 206 555 0101", "second call");
            String c3 = putRecord(api, "c-3", "+1 206 555 0103", "other caller");
            String p2 = profileOf(api, "+12065550103");
            reader.until(events -> events.size() >= 5, WITHIN);
            check(reader.ofProfile(p1).get(2), "CREATED", "CTR", p1, c2);
            assertEquals(List.of("CREATED _profile", "CREATED CTR"), reader.ofProfile(p2).stream().map(e -> e.type() + " " + e.objectType()).toList());

            // UpdateProfile: the profile's new shape; a record re-sent with new content: UPDATED.
            call(api, 200, "PUT", "/domains/" + DOMAIN + "/profiles", Json.write(Map.of("ProfileId", p1, "FirstName", "Jane")));
            reader.until(events -> events.size() >= 6, WITHIN);
            Event updated = reader.ofProfile(p1).get(3);
            check(updated, "UPDATED", "_profile", p1, null);
            assertEquals(Map.of("ProfileId", p1, "PhoneNumber", "+1 206 555 0101", "FirstName", "Jane"), object(updated));
            assertEquals(c1, putRecord(api, "c-1", "+1 206 555 0101", "first call, wrapped up"));
            reader.until(events -> events.size() >= 7, WITHIN);
            Event rewritten = reader.ofProfile(p1).get(4);
            check(rewritten, "UPDATED", "CTR", p1, c1);
            assertEquals("first call, wrapped up", object(rewritten).get("note"));

            // MergeProfiles: the merged profile's record moves (UPDATED on the main profile), then MERGED names the merged id.
            call(api, 200, "POST", "/domains/" + DOMAIN + "/profiles/objects/merge",
                    Json.write(Map.of("MainProfileId", p1, "ProfileIdsToBeMerged", List.of(p2))));
            reader.until(events -> reader.ofProfile(p1).stream().anyMatch(e -> e.type().equals("MERGED")), WITHIN);
            List<Event> mainEvents = reader.ofProfile(p1);
            Event moved = mainEvents.get(5);
            check(moved, "UPDATED", "CTR", p1, c3);
            assertEquals("other caller", object(moved).get("note"));
            Event merged = mainEvents.get(6);
            check(merged, "MERGED", "_profile", p1, null);
            assertEquals(List.of(p2), merged.json().get("MergedProfileIds"));
            assertEquals(p1, object(merged).get("ProfileId"));
            assertEquals("Jane", object(merged).get("FirstName"));
            assertEquals(2, reader.ofProfile(p2).size(), "the merged-away profile's removal is told by the MERGED event only");

            // DeleteProfile: DELETED with the id only; its objects' removal makes no event; nothing of it after.
            call(api, 200, "POST", "/domains/" + DOMAIN + "/profiles/delete", Json.write(Map.of("ProfileId", p1)));
            reader.until(events -> reader.ofProfile(p1).stream().anyMatch(e -> e.type().equals("DELETED")), WITHIN);
            List<Event> all = reader.ofProfile(p1);
            Event deleted = all.get(all.size() - 1);
            check(deleted, "DELETED", "_profile", p1, null);
            assertEquals(Map.of("ProfileId", p1), object(deleted));
            assertEquals(List.of("CREATED", "CREATED", "CREATED", "UPDATED", "UPDATED", "UPDATED", "MERGED", "DELETED"),
                    all.stream().map(Event::type).toList());
            assertEquals(List.of("_profile", "CTR", "CTR", "_profile", "CTR", "CTR", "_profile", "_profile"),
                    all.stream().map(Event::objectType).toList());
            // A later write to the domain still flows; the deleted profile's events stopped at DELETED.
            putRecord(api, "c-4", "+1 206 555 0104", "after");
            reader.until(events -> events.stream().anyMatch(e -> "after".equals(object(e) == null ? null : object(e).get("note"))), WITHIN);
            assertEquals(all.size(), reader.ofProfile(p1).size());
            Set<String> ids = reader.events.stream().map(Event::eventId).collect(Collectors.toSet());
            assertEquals(reader.events.size(), ids.size(), "one event per change: no duplicates without a retry");

            // Deleted, the event stream is gone for the API (the exporter reads it at every batch).
            call(api, 200, "DELETE", "/domains/" + DOMAIN + "/event-streams/story", null);
            call(api, 404, "GET", "/domains/" + DOMAIN + "/event-streams/story", null);
        }
    }

    @Test
    void aRestartedExporterLosesNothingAndRepeatsTheSameEventIds() throws Exception {
        String streamArn = LocalBackends.kinesis().createStream("restart-" + UUID.randomUUID(), 1);
        LocalApi.Backends backends = LocalBackends.embedded();
        Map<String, String> keys = new HashMap<>();
        try (LocalApi api = LocalApi.start(0, backends, "openprofiles")) {
            call(api, 200, "POST", "/domains/" + DOMAIN + "/event-streams/restart", Json.write(Map.of("Uri", streamArn)));
            for (int i = 0; i < 40; i++) keys.put(putRecord(api, "r-" + i, "+1 206 555 2" + String.format("%03d", i), "burst"), "r-" + i);
        } // closed in the middle of the burst's export
        KinesisReader reader = new KinesisReader(LocalBackends.kinesis().client(), streamArn);
        try (LocalApi restarted = LocalApi.start(0, backends, "openprofiles")) {
            for (int i = 40; i < 50; i++) keys.put(putRecord(restarted, "r-" + i, "+1 206 555 2" + String.format("%03d", i), "burst"), "r-" + i);
            reader.until(events -> events.stream().filter(e -> "CTR".equals(e.objectType())).map(e -> e.json().get("ProfileObjectUniqueKey"))
                    .collect(Collectors.toSet()).containsAll(keys.keySet()), WITHIN);
        }
        // Events written twice (before and after the restart) carry the same EventId and the same content.
        Map<String, Map<String, Object>> byId = new HashMap<>();
        Set<String> repeated = new HashSet<>();
        for (Event event : reader.events) {
            Map<String, Object> first = byId.putIfAbsent(event.eventId(), event.json());
            if (first != null) {
                assertEquals(first, event.json(), "a repeated event is the same event");
                repeated.add(event.eventId());
            }
        }
        long creations = reader.events.stream().filter(e -> "CTR".equals(e.objectType())).map(Event::eventId).distinct().count();
        assertEquals(50, creations, "one distinct event per record, none lost (" + repeated.size() + " written twice)");
    }
}

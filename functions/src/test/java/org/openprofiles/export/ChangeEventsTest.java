package org.openprofiles.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;

/** Images to events, without AWS types: which changes make which event, with which members. */
class ChangeEventsTest {
    static final String P = "0123456789abcdef0123456789abcdef";
    static final String Q = "fedcba9876543210fedcba9876543210";
    static final Instant AT = Instant.parse("2026-12-05T10:15:30.123456Z");

    static ProfileItem profile(String id, Map<String, String> fields, Map<String, String> manual, String op) {
        return new ProfileItem("D#Shop#P#" + id, id, 1, 2, fields, manual, Set.of(), Set.of(), 1, op);
    }

    static ObjectItem object(String profileId, String json) {
        return new ObjectItem("D#Shop#O#CTR#k1", "CTR", "k1", profileId, json, Set.of(), Set.of(), 1, null, null, null, null, null);
    }

    static Change profileChange(ProfileItem before, ProfileItem after) {
        return Change.profile("100", "record-1", AT, "Shop", before, after);
    }

    static String mergeOp(String main, List<String> merged) {
        return Json.write(Map.of("id", "op1", "kind", "MERGE", "main", main, "merged", merged, "sources", Map.of(), "at", "1"));
    }

    static String deleteOp(String id) {
        return Json.write(Map.of("id", "op2", "kind", "DELETE", "main", id, "merged", List.of(), "sources", Map.of(), "at", "1"));
    }

    @Test
    void aCreatedProfileIsTheWholeStandardProfile() {
        ExportEvent event = ChangeEvents.of(profileChange(null, profile(P, Map.of("FirstName", "Ann", "Address.City", "Oslo"),
                Map.of("FirstName", "Anna"), null)));
        Map<String, Object> payload = event.payload();
        assertEquals(List.of("SchemaVersion", "EventId", "EventTimestamp", "EventType", "DomainName", "ObjectTypeName", "AssociatedProfileId",
                "Object", "IsMessageRealTime"), List.copyOf(payload.keySet()));
        assertEquals(0, payload.get("SchemaVersion"));
        assertEquals("2026-12-05T10:15:30.123Z", payload.get("EventTimestamp"));
        assertEquals("CREATED", payload.get("EventType"));
        assertEquals("Shop", payload.get("DomainName"));
        assertEquals("_profile", payload.get("ObjectTypeName"));
        assertEquals(P, payload.get("AssociatedProfileId"));
        assertEquals(Map.of("ProfileId", P, "FirstName", "Anna", "Address", Map.of("City", "Oslo")), payload.get("Object"),
                "manual fields over ingested ones, addresses nested: the API's Profile shape");
        assertEquals(true, payload.get("IsMessageRealTime"));
        assertEquals(P, event.partitionKey());
    }

    @Test
    void theEventIdIsTheSameOnEveryDeliveryAndDiffersBetweenChanges() {
        ProfileItem after = profile(P, Map.of(), Map.of(), null);
        String first = ChangeEvents.of(profileChange(null, after)).eventId();
        assertEquals(first, ChangeEvents.of(profileChange(null, after)).eventId());
        assertNotEquals(first, ChangeEvents.of(Change.profile("101", "record-2", AT, "Shop", null, after)).eventId());
    }

    @Test
    void anUpdateThatChangesTheProfilesShapeIsUpdatedAndOneThatDoesNotIsNothing() {
        ProfileItem before = profile(P, Map.of("PhoneNumber", "+1"), Map.of(), null);
        assertEquals("UPDATED", ChangeEvents.of(profileChange(before, profile(P, Map.of("PhoneNumber", "+1"), Map.of("FirstName", "Jo"), null)))
                .payload().get("EventType"));
        assertNull(ChangeEvents.of(profileChange(before, profile(P, Map.of("PhoneNumber", "+1"), Map.of(), null))),
                "a write that changes no field of the Profile (a shard, a key, the version) is no event");
    }

    @Test
    void aProfileUnderADeleteOrMergeMakesNoEventUntilTheOperationsOwn() {
        ProfileItem plain = profile(P, Map.of("FirstName", "A"), Map.of(), null);
        assertNull(ChangeEvents.of(profileChange(plain, profile(P, Map.of("FirstName", "B"), Map.of(), mergeOp(P, List.of(Q))))));
        // The merge's record leaves the main profile: MERGED, the merged profile's id listed.
        ExportEvent merged = ChangeEvents.of(profileChange(profile(P, Map.of("FirstName", "B"), Map.of(), mergeOp(P, List.of(Q))),
                profile(P, Map.of("FirstName", "B"), Map.of(), null)));
        assertEquals("MERGED", merged.payload().get("EventType"));
        assertEquals(List.of(Q), merged.payload().get("MergedProfileIds"));
        assertEquals(Map.of("ProfileId", P, "FirstName", "B"), merged.payload().get("Object"));
        // The merged-away profile's removal is no event of its own; a deleted profile's is DELETED, ids only.
        assertNull(ChangeEvents.of(profileChange(profile(Q, Map.of("FirstName", "Q"), Map.of(), mergeOp(P, List.of(Q))), null)));
        ExportEvent deleted = ChangeEvents.of(profileChange(profile(P, Map.of("FirstName", "B"), Map.of(), deleteOp(P)), null));
        assertEquals("DELETED", deleted.payload().get("EventType"));
        assertEquals(Map.of("ProfileId", P), deleted.payload().get("Object"));
        assertFalse(Json.write(deleted.payload()).contains("\"B\""), "no personal data in a deletion");
    }

    @Test
    void objectsAreCreatedAndUpdatedAsPutAndTheirRemovalIsNoEvent() {
        ExportEvent created = ChangeEvents.of(Change.object("1", "r", AT, "Shop", null, object(P, "{\"contactId\":\"c-1\",\"n\":1.50}")));
        assertEquals("CREATED", created.payload().get("EventType"));
        assertEquals("CTR", created.payload().get("ObjectTypeName"));
        assertEquals("k1", created.payload().get("ProfileObjectUniqueKey"));
        assertEquals(P, created.payload().get("AssociatedProfileId"));
        assertEquals("{\"contactId\":\"c-1\",\"n\":1.50}", Json.write(created.payload().get("Object")), "JSON, not a string, numbers as put");
        ExportEvent moved = ChangeEvents.of(Change.object("2", "r", AT, "Shop", object(Q, "{}"), object(P, "{}")));
        assertEquals("UPDATED", moved.payload().get("EventType"));
        assertNull(ChangeEvents.of(Change.object("3", "r", AT, "Shop", object(P, "{}"), null)));
        ExportEvent unattached = ChangeEvents.of(Change.object("4", "r", AT, "Shop", null, object(null, "{}")));
        assertFalse(unattached.payload().containsKey("AssociatedProfileId"));
        assertEquals("k1", unattached.partitionKey(), "an object of no profile is keyed by its unique key");
    }

    @Test
    void aRedactedEventKeepsIdsOnly() {
        ExportEvent object = ChangeEvents.redacted(ChangeEvents.of(Change.object("1", "r", AT, "Shop", null, object(P, "{\"secret\":\"x\"}"))));
        assertFalse(object.payload().containsKey("Object"));
        assertEquals("k1", object.payload().get("ProfileObjectUniqueKey"));
        ExportEvent profile = ChangeEvents.redacted(ChangeEvents.of(profileChange(null, profile(P, Map.of("FirstName", "Ann"), Map.of(), null))));
        assertEquals(Map.of("ProfileId", P), profile.payload().get("Object"));
    }
}

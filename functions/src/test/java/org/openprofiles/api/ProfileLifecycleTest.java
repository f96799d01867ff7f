package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The profile lifecycle (spec 11) through its handlers, against DynamoDB Local. */
class ProfileLifecycleTest {
    static final String DOMAIN = "ExampleDomainName";
    static String table;
    static StoredData stored;
    static PutProfileObjectHandler put;
    static AddProfileKeyHandler addKey;
    static ReadProfilesHandler read;
    static ProfileLifecycleHandler lifecycle;

    @BeforeAll
    static void setUp() {
        table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        stored = new StoredData(LocalDynamo.client(), table);
        Domains domains = TestDomains.all();
        put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
        addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        read = new ReadProfilesHandler(new ProfileReadService(domains, store));
        lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, store));
    }

    static APIGatewayProxyRequestEvent call(String method, String resource, Map<String, Object> body) {
        return Events.request(method, resource, DOMAIN, Json.write(body));
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    static String create(Map<String, Object> fields) {
        return (String) ok(lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.PROFILES_RESOURCE, fields), null)).get("ProfileId");
    }

    static APIGatewayProxyResponseEvent update(Map<String, Object> body) {
        return lifecycle.handleRequest(call("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE, body), null);
    }

    static APIGatewayProxyResponseEvent deleteProfile(String profileId) {
        return lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_RESOURCE, Map.of("ProfileId", profileId)), null);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> search(String keyName, String value) {
        return (List<Map<String, Object>>) ok(read.handleRequest(Events.searchProfiles(DOMAIN, keyName, value), null)).get("Items");
    }

    static Set<String> found(String keyName, String value) {
        return Set.copyOf(search(keyName, value).stream().map(p -> (String) p.get("ProfileId")).toList());
    }

    static String ctr(String contactId, String phone) {
        return "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
    }

    static String putCtr(String contactId, String phone) {
        return (String) ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr(contactId, phone)), null)).get("ProfileObjectUniqueKey");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> batchGet(String... ids) {
        return ok(read.handleRequest(call("POST", ReadProfilesHandler.BATCH_GET_RESOURCE, Map.of("ProfileIds", List.of(ids))), null));
    }

    @Test
    void createUpdateAndBatchGetWithManualFieldsThatIngestionNeverOverwrites() {
        String id = create(Map.of("FirstName", "Ana", "LastName", "Lima", "PhoneNumber", "+1 206 555 0101",
                "Address", Map.of("City", "Seattle"), "Attributes", Map.of("tier", "gold", "color", "blue")));
        assertEquals(Set.of(id), found("_phone", "2065550101"));
        assertEquals(Set.of(id), found("_fullName", "ana lima"));

        ok(update(Map.of("ProfileId", id, "PhoneNumber", "+1 206 555 0102", "Attributes", Map.of("color", ""), "Address", Map.of("State", "WA"))));
        assertEquals(Set.of(), found("_phone", "2065550101"), "the old number's last source went");
        assertEquals(Set.of(id), found("_phone", "2065550102"));

        // A custom object for the same phone attaches, and its FirstName never overwrites the manual one.
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "MyCustomObjectName",
                "{\"firstName\":\"Bob\",\"lastName\":\"Lima\",\"phoneNumbers\":[{\"number\":\"+1 206 555 0102\"}],\"age\":40}"), null));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> profiles = (List<Map<String, Object>>) batchGet(id, "0123456789abcdef0123456789abcdef").get("Profiles");
        assertEquals(1, profiles.size());
        Map<String, Object> profile = profiles.get(0);
        assertEquals("Ana", profile.get("FirstName"));
        assertEquals("+1 206 555 0102", profile.get("PhoneNumber"));
        assertEquals(Map.of("City", "Seattle", "State", "WA"), profile.get("Address"));
        assertEquals(Map.of("tier", "gold", "age", "40"), profile.get("Attributes"));
        assertEquals(List.of(Map.of("Code", "ResourceNotFoundException", "Message", "Profile '0123456789abcdef0123456789abcdef' does not exist",
                "ProfileId", "0123456789abcdef0123456789abcdef")), batchGet("0123456789abcdef0123456789abcdef").get("Errors"));

        assertEquals(404, update(Map.of("ProfileId", "0123456789abcdef0123456789abcdef", "FirstName", "X")).getStatusCode());
        APIGatewayProxyResponseEvent bad = update(Map.of("ProfileId", id, "Gender", "ROBOT"));
        assertEquals(400, bad.getStatusCode());
        assertTrue(bad.getBody().contains("Gender must be one of FEMALE, MALE, UNSPECIFIED"), bad.getBody());
        APIGatewayProxyResponseEvent empty = lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.PROFILES_RESOURCE, Map.of("FirstName", "")), null);
        assertEquals(400, empty.getStatusCode());
        assertTrue(empty.getBody().contains("FirstName must be between 1 and 255 characters long"), empty.getBody());
    }

    @Test
    void deleteProfileKeyAndDeleteProfileObjectRemoveOnlyValuesWithNoSourceLeft() {
        String first = putCtr("lc-1", "+1 303 555 0110");
        String profileId = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
        putCtr("lc-2", "+1 303 555 0110");
        ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, profileId, "loyalty", "L-9"), null));
        assertEquals(Set.of(profileId), found("loyalty", "L-9"));

        APIGatewayProxyResponseEvent deleteKey = lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_KEY_RESOURCE,
                Map.of("ProfileId", profileId, "KeyName", "loyalty", "Values", List.of("L-9"))), null);
        assertEquals("Key values removed from the profile", ok(deleteKey).get("Message"));
        assertEquals(Set.of(), found("loyalty", "L-9"));
        assertFalse(stored.profilesWithKey(DOMAIN, new KeyValue("loyalty", "L-9")).contains(profileId));
        assertEquals(404, lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_KEY_RESOURCE,
                Map.of("ProfileId", profileId, "KeyName", "loyalty", "Values", List.of("L-9"))), null).getStatusCode());

        ok(lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                Map.of("ProfileId", profileId, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", first)), null));
        assertTrue(stored.object(DOMAIN, "CTR", first).isEmpty());
        assertEquals(Set.of(), found("_ctrContactId", "lc-1"), "the contact id came only from that object");
        assertEquals(Set.of(profileId), found("_ctrContactId", "lc-2"));
        assertEquals(Set.of(profileId), found("_phone", "3035550110"), "the phone still has sources: the other record, the field");
        assertEquals(404, lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                Map.of("ProfileId", profileId, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", first)), null).getStatusCode());
        // A later put of the same record stores it again.
        assertEquals(first, putCtr("lc-1", "+1 303 555 0110"));
        assertEquals(profileId, stored.object(DOMAIN, "CTR", first).orElseThrow().profileId());
    }

    @Test
    void afterDeleteProfileAFullScanFindsNothingOfTheProfile() {
        String shared = create(Map.of("FirstName", "Other", "PhoneNumber", "+1 415 555 0199"));
        String id = create(Map.of("FirstName", "Erin", "LastName", "Erasable", "EmailAddress", "erin@example.com",
                "PhoneNumber", "+1 415 555 0199"));
        for (int i = 0; i < 30; i++) putCtr("erase-me-" + i, "+1 415 555 0177");
        String inferred = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+14155550177")).iterator().next();
        ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, id, "_phone", "+1 415 555 0177"), null));
        ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, id, "secretKey", "s3cr3t-value"), null));
        assertEquals("Profile deleted: its fields, keys and objects are erased", ok(deleteProfile(inferred)).get("Message"));
        assertEquals("Profile deleted: its fields, keys and objects are erased", ok(deleteProfile(id)).get("Message"));

        for (String gone : List.of(id, inferred)) assertNothingOf(gone, List.of("Erasable", "erin@example.com", "s3cr3t-value", "erase-me-",
                "+14155550177"));
        assertEquals(Set.of(shared), stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+14155550199")), "a shared value keeps its other holder");
        assertEquals(404, deleteProfile(id).getStatusCode());
        assertEquals(Set.of(), found("_email", "erin@example.com"));
        assertEquals(List.of(), batchGet(id).get("Profiles"));
        // A later record with the erased number makes a new profile.
        String again = putCtr("after-erasure", "+1 415 555 0177");
        String newProfile = stored.object(DOMAIN, "CTR", again).orElseThrow().profileId();
        assertFalse(Set.of(id, inferred).contains(newProfile));
        TableContents.checked(LocalDynamo.client(), table);
    }

    /** No item but the bare shard markers (the id, the operation, its time, the expiry: nothing else) holds the id or any of the data. */
    static void assertNothingOf(String profileId, List<String> data) {
        assertNothingOf(table, profileId, data);
    }

    static void assertNothingOf(String table, String profileId, List<String> data) {
        for (Map<String, AttributeValue> item : LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
            String text = item.toString();
            String pk = item.get("pk").s();
            if (pk.startsWith("D#" + DOMAIN + "#S#" + profileId + "#")) {
                assertTrue(Set.of("pk", "profileId", "expiresAt", "mergedInto", "closedBy", "closedAt", "n").containsAll(item.keySet())
                                && item.containsKey("expiresAt"),
                        "a closed shard holds only the id, the operation, its expiry and (merged) the main profile: " + item.keySet());
                continue;
            }
            if (pk.startsWith("D#" + DOMAIN + "#H#")) {
                // A history record: none is left under the erased profile; one about it may be another's (merged into it).
                assertNotEquals(profileId, item.get("profileId").s(), "a history record is still listed under the erased profile: " + pk);
                continue;
            }
            assertFalse(text.contains(profileId), "an item still holds the erased profile's id: " + pk);
            for (String value : data) assertFalse(text.contains(value), "an item still holds the erased profile's data: " + pk);
        }
    }

    @Test
    void mergeMovesEveryKeyAndObjectToTheMainProfileAndErasesTheOthers() {
        String main = create(Map.of("FirstName", "Main", "EmailAddress", "main@example.com"));
        String a = stored.object(DOMAIN, "CTR", putCtr("m-a1", "+1 512 555 0101")).orElseThrow().profileId();
        putCtr("m-a2", "+1 512 555 0101");
        String b = create(Map.of("FirstName", "Bee", "LastName", "Merged", "PhoneNumber", "+1 512 555 0202"));
        ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, b, "loyalty", "B-1"), null));

        APIGatewayProxyResponseEvent unknown = lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.MERGE_RESOURCE,
                Map.of("MainProfileId", main, "ProfileIdsToBeMerged", List.of(a, "0123456789abcdef0123456789abcdef"))), null);
        assertEquals(404, unknown.getStatusCode(), unknown.getBody());
        assertEquals(Set.of(a), found("_ctrContactId", "m-a1"), "nothing changed");

        ok(lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.MERGE_RESOURCE, Map.of("MainProfileId", main,
                "ProfileIdsToBeMerged", List.of(a, b), "FieldSourceProfileIds", Map.of("FirstName", b))), null));
        for (String[] key : new String[][] {{"_ctrContactId", "m-a1"}, {"_ctrContactId", "m-a2"}, {"_phone", "5125550101"},
                {"_phone", "5125550202"}, {"loyalty", "B-1"}, {"_email", "main@example.com"}}) {
            assertEquals(Set.of(main), found(key[0], key[1]), key[0] + " " + key[1]);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> merged = ((List<Map<String, Object>>) batchGet(main).get("Profiles")).get(0);
        assertEquals("Bee", merged.get("FirstName"));
        assertEquals("Merged", merged.get("LastName"));
        assertEquals("main@example.com", merged.get("EmailAddress"));
        assertEquals(2, ((List<?>) ok(read.handleRequest(Events.listProfileObjects(DOMAIN, "CTR", main), null)).get("Items")).size());
        assertNothingOf(a, List.of());
        assertNothingOf(b, List.of());
        // A later record of a merged profile's contact attaches to the main profile.
        assertEquals(main, stored.object(DOMAIN, "CTR", putCtr("m-a3", "+1 512 555 0101")).orElseThrow().profileId());
        TableContents.checked(LocalDynamo.client(), table);
    }
}

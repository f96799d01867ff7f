package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileHistoryService;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.testing.ContactRecords;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Profile history records (ListProfileHistoryRecords, GetProfileHistoryRecord) through the real handlers over DynamoDB
 * Local: which operation writes which record, newest first in pages, the filters, Content on Get only, 404s, and
 * erasure with the profile.
 */
class ProfileHistoryTest {
    static final String DOMAIN = "ExampleDomainName";
    static final String ALICE = "arn:aws:iam::111122223333:user/alice";
    static final String BOB = "arn:aws:iam::111122223333:role/bob";
    static String table;
    static ProfileStore store;
    static PutProfileObjectService puts;
    static PutProfileObjectHandler put;
    static AddProfileKeyHandler addKey;
    static ProfileLifecycleHandler lifecycle;
    static ProfileHistoryHandler history;

    @BeforeAll
    static void setUp() {
        table = LocalDynamo.newTable();
        store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        Domains domains = TestDomains.all();
        puts = new PutProfileObjectService(domains, store, Clock.systemUTC());
        put = new PutProfileObjectHandler(puts);
        addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, store));
        history = new ProfileHistoryHandler(new ProfileHistoryService(domains, store));
    }

    /** A request as API Gateway sends it for a SigV4-signed caller. */
    static APIGatewayProxyRequestEvent as(String caller, APIGatewayProxyRequestEvent event) {
        event.getRequestContext().withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withUserArn(caller));
        return event;
    }

    static APIGatewayProxyRequestEvent call(String method, String resource, Map<String, Object> body) {
        return Events.request(method, resource, DOMAIN, Json.write(body));
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    static String create(String caller, Map<String, Object> fields) {
        return (String) ok(lifecycle.handleRequest(as(caller, call("POST", ProfileLifecycleHandler.PROFILES_RESOURCE, fields)), null))
                .get("ProfileId");
    }

    static String putCtr(String caller, String contactId, String phone) {
        return (String) ok(put.handleRequest(as(caller, Events.putProfileObject(DOMAIN, "CTR", "{\"contactId\":\"" + contactId
                + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}")), null)).get("ProfileObjectUniqueKey");
    }

    static APIGatewayProxyResponseEvent listResponse(Map<String, Object> body, String maxResults, String nextToken) {
        APIGatewayProxyRequestEvent event = call("POST", ProfileHistoryHandler.LIST_RESOURCE, body);
        Map<String, String> query = new LinkedHashMap<>();
        if (maxResults != null) query.put("max-results", maxResults);
        if (nextToken != null) query.put("next-token", nextToken);
        event.withQueryStringParameters(query);
        return history.handleRequest(event, null);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> body) {
        return (List<Map<String, Object>>) ok(listResponse(body, "100", null)).get("ProfileHistoryRecords");
    }

    static List<Map<String, Object>> list(String profileId) {
        return list(Map.of("ProfileId", profileId));
    }

    static APIGatewayProxyResponseEvent getResponse(String profileId, String id) {
        APIGatewayProxyRequestEvent event = Events.request("GET", ProfileHistoryHandler.GET_RESOURCE, DOMAIN, null);
        event.withPathParameters(Map.of("DomainName", DOMAIN, "ProfileId", profileId, "Id", id));
        return history.handleRequest(event, null);
    }

    static List<String> actions(List<Map<String, Object>> records) {
        return records.stream().map(r -> (String) r.get("ActionType")).toList();
    }

    @Test
    void everyOperationWritesItsRecordNewestFirstWithContentOnGetOnly() {
        String id = create(ALICE, Map.of("FirstName", "Hana", "PhoneNumber", "+1 206 555 0900"));
        ok(lifecycle.handleRequest(as(BOB, call("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE,
                Map.of("ProfileId", id, "LastName", "Sato"))), null));
        String key = putCtr(BOB, "hist-1", "+1 206 555 0900");
        ok(addKey.handleRequest(as(ALICE, Events.addProfileKey(DOMAIN, id, "loyalty", "L-9")), null));
        ok(lifecycle.handleRequest(as(ALICE, call("POST", ProfileLifecycleHandler.DELETE_KEY_RESOURCE,
                Map.of("ProfileId", id, "KeyName", "loyalty", "Values", List.of("L-9")))), null));
        ok(lifecycle.handleRequest(as(BOB, call("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                Map.of("ProfileId", id, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", key))), null));

        List<Map<String, Object>> records = list(id);
        assertEquals(List.of("DELETED_BY_CUSTOMER", "DELETED_PROFILE_KEY", "ADDED_PROFILE_KEY", "INGESTED", "UPDATED", "CREATED"),
                actions(records), "newest first: " + records);
        BigDecimal previous = null;
        for (Map<String, Object> record : records) {
            assertFalse(record.containsKey("Content"), "a listed record carries no Content: " + record);
            assertTrue(((String) record.get("Id")).matches("[a-f0-9]{32}"), record.toString());
            assertEquals(record.get("CreatedAt"), record.get("LastUpdatedAt"), "records are append-only");
            BigDecimal at = new BigDecimal(record.get("CreatedAt").toString());
            if (previous != null) assertTrue(at.compareTo(previous) <= 0, "newest first: " + records);
            previous = at;
        }
        Map<String, Object> deleted = records.get(0);
        assertEquals("CTR", deleted.get("ObjectTypeName"));
        assertEquals(key, deleted.get("ProfileObjectUniqueKey"));
        assertEquals(BOB, deleted.get("PerformedBy"));
        Map<String, Object> ingested = records.get(3);
        assertEquals("CTR", ingested.get("ObjectTypeName"));
        assertEquals(key, ingested.get("ProfileObjectUniqueKey"));
        assertEquals("_profile", records.get(5).get("ObjectTypeName"));
        assertEquals(ALICE, records.get(5).get("PerformedBy"));

        // Content on Get: the profile after, the object as stored, the key.
        Map<String, Object> created = ok(getResponse(id, (String) records.get(5).get("Id")));
        assertEquals("Hana", ((Map<?, ?>) Json.parse((String) created.get("Content"))).get("FirstName"));
        assertEquals("CREATED", created.get("ActionType"));
        Map<String, Object> updated = ok(getResponse(id, (String) records.get(4).get("Id")));
        Map<?, ?> after = (Map<?, ?>) Json.parse((String) updated.get("Content"));
        assertEquals("Hana", after.get("FirstName"));
        assertEquals("Sato", after.get("LastName"));
        assertEquals(BOB, updated.get("PerformedBy"));
        Map<String, Object> object = ok(getResponse(id, (String) ingested.get("Id")));
        assertEquals("hist-1", ((Map<?, ?>) Json.parse((String) object.get("Content"))).get("contactId"));
        Map<String, Object> addedKey = ok(getResponse(id, (String) records.get(2).get("Id")));
        assertEquals(Map.of("KeyName", "loyalty", "Values", List.of("L-9")), Json.parse((String) addedKey.get("Content")));
        Map<String, Object> deletedObject = ok(getResponse(id, (String) deleted.get("Id")));
        assertNull(deletedObject.get("Content"), "a deletion records no content");

        // Filters, combined (ANDed).
        assertEquals(List.of("INGESTED"), actions(list(Map.of("ProfileId", id, "ObjectTypeName", "CTR", "ActionType", "INGESTED"))));
        assertEquals(List.of("DELETED_BY_CUSTOMER", "INGESTED"), actions(list(Map.of("ProfileId", id, "ObjectTypeName", "CTR"))));
        assertEquals(List.of("DELETED_PROFILE_KEY", "ADDED_PROFILE_KEY", "CREATED"), actions(list(Map.of("ProfileId", id, "PerformedBy", ALICE))));
        assertEquals(List.of("CREATED"), actions(list(Map.of("ProfileId", id, "PerformedBy", ALICE, "ObjectTypeName", "_profile",
                "ActionType", "CREATED"))));
        assertEquals(List.of(), list(Map.of("ProfileId", id, "PerformedBy", BOB, "ActionType", "CREATED")));
    }

    @Test
    void anInferredProfileRecordsItsCreationAndAPutThatSetsFieldsAnUpdate() {
        putCtr(null, "inferred-1", "+1 206 555 0911");
        String id = profileOf("+12065550911");
        // One request: both records carry its time (then the order of their ids).
        assertEquals(List.of("CREATED", "INGESTED"), actions(list(id)).stream().sorted().toList());
        for (Map<String, Object> record : list(id)) assertNull(record.get("PerformedBy"), "no caller known: none named");
        // A custom object whose mapping sets profile fields, on the existing profile.
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "MyCustomObjectName",
                "{\"firstName\":\"Ida\",\"lastName\":\"Berg\",\"phoneNumbers\":[{\"number\":\"+1 206 555 0911\"}]}"), null));
        List<String> actions = actions(list(id));
        assertEquals(Set.of("INGESTED", "UPDATED"), Set.copyOf(actions.subList(0, 2)), actions.toString());
        assertEquals(4, actions.size());
    }

    @Test
    void aContactRecordFromTheStreamIsRecordedAsIngestedByTheConsumer() {
        ContactRecordStreamHandler stream = new ContactRecordStreamHandler(new ContactRecordService(puts, store, Clock.systemUTC(),
                DOMAIN, "CTR"));
        stream.handleRequest(ContactRecords.batch(ContactRecords.bytes(ContactRecords.voice("stream-hist-1", "+1 206 555 0977",
                "2026-12-01T10:00:00Z"))), TestContext.remaining(15_000));
        String id = profileOf("+12065550977");
        List<Map<String, Object>> records = list(Map.of("ProfileId", id, "ActionType", "INGESTED"));
        assertEquals(1, records.size(), records.toString());
        assertEquals(TestContext.FUNCTION_ARN, records.get(0).get("PerformedBy"), "the consumer's own principal");
        // The same record delivered again changes nothing, and records nothing.
        stream.handleRequest(ContactRecords.batch(ContactRecords.bytes(ContactRecords.voice("stream-hist-1", "+1 206 555 0977",
                "2026-12-01T10:00:00Z"))), TestContext.remaining(15_000));
        assertEquals(1, list(Map.of("ProfileId", id, "ActionType", "INGESTED")).size());
    }

    @SuppressWarnings("unchecked")
    static String profileOf(String phone) {
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(TestDomains.all(),
                new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC())));
        List<Map<String, Object>> found = (List<Map<String, Object>>) ok(read.handleRequest(Events.searchProfiles(DOMAIN, "_phone", phone),
                null)).get("Items");
        assertEquals(1, found.size(), found.toString());
        return (String) found.get(0).get("ProfileId");
    }

    @Test
    void pagesOfUpToAHundredNewestFirstWithoutDuplicates() {
        String id = create(ALICE, Map.of("FirstName", "Many"));
        for (int i = 0; i < 104; i++) {
            ok(addKey.handleRequest(as(ALICE, Events.addProfileKey(DOMAIN, id, "loyalty", "P-" + i)), null));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Map<String, Object> page = ok(listResponse(Map.of("ProfileId", id), "100", token));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> records = (List<Map<String, Object>>) page.get("ProfileHistoryRecords");
            assertTrue(records.size() <= 100);
            for (Map<String, Object> record : records) seen.add((String) record.get("Id"));
            token = (String) page.get("NextToken");
            pages++;
        } while (token != null && pages < 5);
        assertEquals(105, seen.size());
        assertEquals(105, new HashSet<>(seen).size(), "no record twice across pages");
        // The newest first: the last key added is the first record, the creation the last.
        Map<String, Object> first = ok(getResponse(id, seen.get(0)));
        assertEquals(Map.of("KeyName", "loyalty", "Values", List.of("P-103")), Json.parse((String) first.get("Content")));
        assertEquals("CREATED", ok(getResponse(id, seen.get(104))).get("ActionType"));
        // A filtered page still fills up to its size.
        assertEquals(7, ((List<?>) ok(listResponse(Map.of("ProfileId", id, "ActionType", "ADDED_PROFILE_KEY"), "7", null))
                .get("ProfileHistoryRecords")).size());
    }

    @Test
    void notFoundAndBadRequests() {
        String id = create(ALICE, Map.of("FirstName", "Nf"));
        String other = create(ALICE, Map.of("FirstName", "Other"));
        String otherRecord = (String) list(other).get(0).get("Id");
        assertEquals(404, listResponse(Map.of("ProfileId", "0123456789abcdef0123456789abcdef"), null, null).getStatusCode());
        assertEquals(404, getResponse(id, otherRecord).getStatusCode(), "an id of another profile's record");
        assertEquals(404, getResponse(id, "0123456789abcdef0123456789abcdef").getStatusCode());
        assertEquals(404, getResponse("0123456789abcdef0123456789abcdef", otherRecord).getStatusCode());
        APIGatewayProxyRequestEvent unknownDomain = Events.request("POST", ProfileHistoryHandler.LIST_RESOURCE, "NoSuchDomain",
                Json.write(Map.of("ProfileId", id)));
        assertEquals(404, history.handleRequest(unknownDomain, null).getStatusCode());
        APIGatewayProxyResponseEvent badAction = listResponse(Map.of("ProfileId", id, "ActionType", "TOUCHED"), null, null);
        assertEquals(400, badAction.getStatusCode());
        assertTrue(badAction.getBody().contains("ActionType"), badAction.getBody());
        assertEquals(400, listResponse(Map.of("ProfileId", "not-an-id"), null, null).getStatusCode());
        assertEquals(400, listResponse(Map.of("ProfileId", id), "101", null).getStatusCode());
        assertEquals(400, listResponse(Map.of("ProfileId", id), null, "forged").getStatusCode());
        assertEquals(400, getResponse(id, "NOT-HEX").getStatusCode());
        // Calls answered 4xx leave no record.
        assertEquals(404, lifecycle.handleRequest(as(BOB, call("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                Map.of("ProfileId", id, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", "nope"))), null).getStatusCode());
        assertEquals(404, lifecycle.handleRequest(as(BOB, call("POST", ProfileLifecycleHandler.DELETE_KEY_RESOURCE,
                Map.of("ProfileId", id, "KeyName", "loyalty", "Values", List.of("none")))), null).getStatusCode());
        assertEquals(400, lifecycle.handleRequest(as(BOB, call("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE,
                Map.of("ProfileId", id, "Gender", "PLANT"))), null).getStatusCode());
        assertEquals(List.of("CREATED"), actions(list(id)));
    }

    @Test
    void mergedHistoryIsReadUnderTheMainProfileAndDeleteProfileErasesAllOfIt() {
        String main = create(ALICE, Map.of("FirstName", "Main"));
        String merged = create(BOB, Map.of("FirstName", "Merged"));
        String key = putCtr(BOB, "merge-hist", "+1 206 555 0933");
        String inferred = profileOf("+12065550933");
        ok(lifecycle.handleRequest(as(ALICE, call("POST", ProfileLifecycleHandler.MERGE_RESOURCE,
                Map.of("MainProfileId", main, "ProfileIdsToBeMerged", List.of(merged, inferred)))), null));
        List<Map<String, Object>> records = list(main);
        List<String> actions = actions(records);
        // The merge's own records come first (one operation: one time, then the order of their ids).
        assertEquals(List.of("DELETED_BY_MERGE", "DELETED_BY_MERGE", "MERGED"), actions.subList(0, 3).stream().sorted().toList(),
                actions.toString());
        assertEquals(List.of("CREATED", "CREATED", "CREATED", "INGESTED"), actions.subList(3, 7).stream().sorted().toList());
        assertEquals(7, actions.size());
        assertTrue(records.stream().anyMatch(r -> key.equals(r.get("ProfileObjectUniqueKey"))), "the merged profile's INGESTED");
        Map<String, Object> mergedRecord = ok(getResponse(main, (String) records.get(actions.indexOf("MERGED")).get("Id")));
        assertEquals(ALICE, mergedRecord.get("PerformedBy"));
        Map<?, ?> content = (Map<?, ?>) Json.parse((String) mergedRecord.get("Content"));
        assertEquals("Main", content.get("FirstName"));
        assertEquals(Set.of(merged, inferred), Set.copyOf((List<?>) content.get("MergedProfileIds")));
        Map<?, ?> gone = (Map<?, ?>) Json.parse((String) ok(getResponse(main, (String) records.get(actions.indexOf("DELETED_BY_MERGE"))
                .get("Id"))).get("Content"));
        assertEquals(main, gone.get("MergedIntoProfileId"));
        assertEquals(404, listResponse(Map.of("ProfileId", merged), null, null).getStatusCode(), "the merged profile is gone");

        ok(lifecycle.handleRequest(as(ALICE, call("POST", ProfileLifecycleHandler.DELETE_RESOURCE, Map.of("ProfileId", main))), null));
        assertEquals(404, listResponse(Map.of("ProfileId", main), null, null).getStatusCode());
        assertEquals(404, getResponse(main, (String) records.get(0).get("Id")).getStatusCode());
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> record : records) ids.add((String) record.get("Id"));
        for (Map<String, AttributeValue> item : LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
            String pk = item.get("pk").s();
            assertFalse(pk.contains("#H#") && ids.contains(pk.substring(pk.lastIndexOf('#') + 1)), "a history record survived: " + pk);
            if (pk.contains("#H#")) {
                assertFalse(Set.of(main, merged, inferred).contains(item.get("profileId").s()), "a record of an erased profile: " + pk);
                assertFalse(item.toString().contains(main), "an item still mentions the erased profile: " + pk);
            }
        }
        assertNotNull(key);
    }
}

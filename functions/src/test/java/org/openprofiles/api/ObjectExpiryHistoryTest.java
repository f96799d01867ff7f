package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileHistoryService;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.MutableClock;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The EXPIRED record of an object that reached its expiry (the example domain keeps objects 366 days): dated at the
 * expiry and listed from then on, exactly when the object stops being shown; once per object (a put again moves the
 * date); never for an object deleted before (DeleteProfileObject's record replaces it) nor on a profile the object
 * moved away from. The clock is moved by hand: nothing waits.
 */
class ObjectExpiryHistoryTest {
    static final String DOMAIN = "ExampleDomainName";
    static final Duration RETENTION = Duration.ofDays(366);

    MutableClock clock;
    String table;
    AddProfileKeyHandler addKey;
    PutProfileObjectHandler put;
    ProfileLifecycleHandler lifecycle;
    ProfileHistoryHandler history;
    ReadProfilesHandler read;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        table = LocalDynamo.newTable();
        DynamoProfileStore store = new DynamoProfileStore(LocalDynamo.client(), table, clock);
        Domains domains = TestDomains.all();
        put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, clock));
        lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, store));
        history = new ProfileHistoryHandler(new ProfileHistoryService(domains, store));
        addKey = new AddProfileKeyHandler(new org.openprofiles.service.AddProfileKeyService(domains, store));
        read = new ReadProfilesHandler(new org.openprofiles.service.ProfileReadService(domains, store));
    }

    @Test
    void anObjectIsRecordedExpiredAtItsExpiryOnceAndAPutAgainMovesTheDate() {
        String profile = create("+1 206 555 0300");
        String key = putCtr("exp-1", "+1 206 555 0300");
        assertEquals(List.of("CREATED", "INGESTED"), actions(list(profile)).stream().sorted().toList(), "an expiry to come is not listed");

        clock.advance(Duration.ofDays(100));
        putCtr("exp-1", "+1 206 555 0300");
        Instant expiry = clock.instant().plus(RETENTION);
        clock.advance(Duration.ofDays(300)); // past the first put's expiry, before the second's
        assertFalse(actions(list(profile)).contains("EXPIRED"), "the put again moved the expiry: " + list(profile));
        assertEquals(1, objects(profile).size(), "the object is still shown");

        clock.advance(Duration.ofDays(100)); // past the second put's expiry
        assertEquals(0, objects(profile).size(), "the object has expired");
        List<Map<String, Object>> records = list(profile);
        List<Map<String, Object>> expired = records.stream().filter(r -> "EXPIRED".equals(r.get("ActionType"))).toList();
        assertEquals(1, expired.size(), "one EXPIRED record for one object: " + records);
        Map<String, Object> record = expired.get(0);
        assertEquals("CTR", record.get("ObjectTypeName"));
        assertEquals(key, record.get("ProfileObjectUniqueKey"));
        assertEquals(expiry.getEpochSecond(), seconds(record), "dated at the expiry: " + record);
        assertNull(record.get("PerformedBy"), "no one performed an expiry");
        assertFalse(actions(records).contains("INGESTED"), "the object's INGESTED records expire with it: " + records);
        String id = (String) record.get("Id");
        assertNull(ok(get(profile, id)).get("Content"), "an expiry records no content");

        // A moment before the expiry, the same record is neither listed nor found.
        clock.advance(Duration.between(expiry, clock.instant()).negated().minusSeconds(1));
        assertFalse(actions(list(profile)).contains("EXPIRED"));
        assertEquals(404, get(profile, id).getStatusCode());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, get(profile, id).getStatusCode(), "listed from the second of the expiry on");
        assertEquals(0, objects(profile).size(), "as the object stops being shown");

        // Put again after it expired: a new life, which ends with a record of its own.
        putCtr("exp-1", "+1 206 555 0300");
        Instant second = clock.instant().plus(RETENTION);
        clock.advance(RETENTION);
        List<Map<String, Object>> again = list(profile).stream().filter(r -> "EXPIRED".equals(r.get("ActionType"))).toList();
        assertEquals(1, again.size(), list(profile).toString());
        assertEquals(second.getEpochSecond(), seconds(again.get(0)));
        assertFalse(id.equals(again.get(0).get("Id")), "the first expiry's record is not rewritten");
    }

    @Test
    void anObjectDeletedBeforeItsExpiryIsRecordedDeletedNeverExpired() {
        String profile = create("+1 206 555 0301");
        String key = putCtr("exp-2", "+1 206 555 0301");
        clock.advance(Duration.ofDays(200));
        ok(lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                Map.of("ProfileId", profile, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", key)), null));
        clock.advance(Duration.ofDays(167)); // past the object's expiry
        // The profile's own records have expired by then; the deletion's (kept 366 days from the deletion) has not.
        assertEquals(List.of("DELETED_BY_CUSTOMER"), actions(list(profile)));
    }

    @Test
    void anObjectThatMovedToAnotherProfileExpiresOnlyThere() {
        String first = create("+1 206 555 0302");
        String second = create("+1 206 555 0303");
        String key = putCtr("exp-3", "+1 206 555 0302");
        // The first profile lets go of the contact id: the record, which now names the second profile's phone, moves there.
        ok(lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_KEY_RESOURCE,
                Map.of("ProfileId", first, "KeyName", "_ctrContactId", "Values", List.of("exp-3"))), null));
        putCtr("exp-3", "+1 206 555 0303");
        assertEquals(0, objects(first).size());
        assertEquals(1, objects(second).size());
        clock.advance(RETENTION.minusDays(1));
        putCtr("other-3", "+1 206 555 0302"); // so that the first profile still has records to list at the end
        clock.advance(Duration.ofDays(2));
        assertFalse(actions(list(first)).contains("EXPIRED"), "it did not expire where it no longer was: " + list(first));
        List<Map<String, Object>> expired = list(second).stream().filter(r -> "EXPIRED".equals(r.get("ActionType"))).toList();
        assertEquals(1, expired.size(), list(second).toString());
        assertEquals(key, expired.get(0).get("ProfileObjectUniqueKey"));
    }

    /**
     * What a profile's shards list for its erasure follows the records still kept: a write that lists records on a shard
     * drops that shard's lists of records that expired a month or more ago (TTL has deleted them), so the shards (read
     * whole by every DeleteProfile, merge and calculated attribute) do not grow with every record a profile ever had.
     */
    @Test
    void aShardListsTheRecordsStillKeptNotEveryRecordEver() {
        String profile = create("+1 206 555 0304");
        for (int i = 0; i < 150; i++) ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, profile, "loyalty", "old-" + i), null));
        clock.advance(RETENTION.plusDays(62)); // the 151 records expired two months ago or more
        Map<String, Map<String, AttributeValue>> before = shards(profile);
        for (int i = 0; i < 150; i++) ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, profile, "loyalty", "new-" + i), null));
        Map<String, Map<String, AttributeValue>> after = shards(profile);

        int droppedIds = 0;
        for (Map.Entry<String, Map<String, AttributeValue>> shard : after.entrySet()) {
            Map<String, AttributeValue> was = before.get(shard.getKey());
            boolean written = was == null || !was.get("n").n().equals(shard.getValue().get("n").n());
            if (!written || was == null) continue;
            for (Map.Entry<String, AttributeValue> list : was.entrySet()) {
                if (list.getKey().matches("h[0-9]+")) {
                    assertFalse(shard.getValue().containsKey(list.getKey()), "the expired records' list " + list.getKey() + " is dropped");
                    droppedIds += list.getValue().ss().size();
                }
            }
        }
        assertTrue(droppedIds > 0, "some shard held a list of expired records and was written again");
        int listed = 0;
        for (Map<String, AttributeValue> shard : after.values()) {
            for (Map.Entry<String, AttributeValue> list : shard.entrySet()) if (list.getKey().matches("h[0-9]+")) listed += list.getValue().ss().size();
        }
        assertEquals(151 + 150 - droppedIds, listed, "every record still kept stays listed");
        // The profile's erasure still finds every record kept: none is left in the table.
        ok(lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_RESOURCE, Map.of("ProfileId", profile)), null));
        long left = LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream()
                .filter(item -> item.get("pk").s().contains("#H#") && item.containsKey("createdAt")
                        && Long.parseLong(item.get("expiresAt").n()) > clock.instant().getEpochSecond())
                .count();
        assertEquals(0, left, "no record kept outlives DeleteProfile");
    }

    Map<String, Map<String, AttributeValue>> shards(String profileId) {
        Map<String, Map<String, AttributeValue>> shards = new java.util.TreeMap<>();
        for (Map<String, AttributeValue> item : LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
            if (item.get("pk").s().startsWith("D#" + DOMAIN + "#S#" + profileId + "#")) shards.put(item.get("pk").s(), item);
        }
        return shards;
    }

    String create(String phone) {
        return (String) ok(lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.PROFILES_RESOURCE,
                Map.of("PhoneNumber", phone)), null)).get("ProfileId");
    }

    String putCtr(String contactId, String phone) {
        return (String) ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", "{\"contactId\":\"" + contactId
                + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}"), null)).get("ProfileObjectUniqueKey");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String profileId) {
        APIGatewayProxyRequestEvent event = call("POST", ProfileHistoryHandler.LIST_RESOURCE, Map.of("ProfileId", profileId));
        event.withQueryStringParameters(Map.of("max-results", "100"));
        return (List<Map<String, Object>>) ok(history.handleRequest(event, null)).get("ProfileHistoryRecords");
    }

    APIGatewayProxyResponseEvent get(String profileId, String id) {
        APIGatewayProxyRequestEvent event = Events.request("GET", ProfileHistoryHandler.GET_RESOURCE, DOMAIN, null);
        event.withPathParameters(Map.of("DomainName", DOMAIN, "ProfileId", profileId, "Id", id));
        return history.handleRequest(event, null);
    }

    @SuppressWarnings("unchecked")
    List<Object> objects(String profileId) {
        return (List<Object>) ok(read.handleRequest(Events.listProfileObjects(DOMAIN, "CTR", profileId), null)).get("Items");
    }

    /** CreatedAt as the wire carries it (epoch seconds, with a fraction when there is one), in whole seconds. */
    static long seconds(Map<String, Object> record) {
        return new BigDecimal(record.get("CreatedAt").toString()).longValueExact();
    }

    static List<String> actions(List<Map<String, Object>> records) {
        return records.stream().map(r -> (String) r.get("ActionType")).toList();
    }

    static APIGatewayProxyRequestEvent call(String method, String resource, Map<String, Object> body) {
        return Events.request(method, resource, DOMAIN, Json.write(body));
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }
}

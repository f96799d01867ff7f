package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.Gates;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.StoreKeys;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a fence and its lease (docs/data-model.md) do to the requests that meet them, set up by
 * writing the items as a removal in progress would leave them: a removal or close waits for a live
 * lease (429 when it outlasts the request), a removal never starts on a closing profile (404), a put
 * waits for fenced gates, and a lease or fence past its time blocks nothing.
 */
class ProfileFenceTest {
    static final String DOMAIN = "ExampleDomainName";
    static String table;
    static StoredData stored;
    static PutProfileObjectHandler put;
    static ProfileLifecycleHandler lifecycle;

    @BeforeAll
    static void setUp() {
        table = LocalDynamo.newTable();
        ProfileStore store = new ProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        stored = new StoredData(LocalDynamo.client(), table);
        put = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));
        lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(TestDomains.all(), store));
    }

    static APIGatewayProxyResponseEvent putCtr(String contactId, String phone) {
        return put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ContentionTest.ctr(contactId, phone)), TestContext.remaining(3_000));
    }

    static APIGatewayProxyResponseEvent lifecycle(String resource, Map<String, Object> body) {
        return lifecycle.handleRequest(Events.request("POST", resource, DOMAIN, Json.write(body)), TestContext.remaining(3_000));
    }

    static APIGatewayProxyResponseEvent deleteObject(String profileId, String uniqueKey) {
        return lifecycle(ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                Map.of("ProfileId", profileId, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", uniqueKey));
    }

    static void setOnProfile(String profileId, String expression, Map<String, AttributeValue> values) {
        LocalDynamo.client().updateItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(StoreKeys.profile(DOMAIN, profileId))))
                .updateExpression(expression).expressionAttributeValues(values.isEmpty() ? null : values));
    }

    static void fenceGates(String profileId, long untilMillis) {
        for (int shard = 0; shard < Gates.SHARDS; shard++) {
            int k = shard;
            LocalDynamo.client().putItem(r -> r.tableName(table).item(Map.of(
                    "pk", AttributeValue.fromS(StoreKeys.gate(DOMAIN, profileId, k)),
                    "profileId", AttributeValue.fromS(profileId),
                    "fencedUntil", AttributeValue.fromN(Long.toString(untilMillis)))));
        }
    }

    static String uniqueKey(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return (String) Events.body(response).get("ProfileObjectUniqueKey");
    }

    @Test
    void aLiveLeaseMakesRemovalsAndClosesWaitAndALapsedOneDoesNot() {
        String key = uniqueKey(putCtr("lease-1", "+1 206 555 0801"));
        String profileId = stored.object(DOMAIN, "CTR", key).orElseThrow().profileId();
        long now = System.currentTimeMillis();
        setOnProfile(profileId, "SET fencedBy = :t, fencedUntil = :u",
                Map.of(":t", AttributeValue.fromS("another removal"), ":u", AttributeValue.fromN(Long.toString(now + 60_000))));

        APIGatewayProxyResponseEvent waited = deleteObject(profileId, key);
        assertEquals(429, waited.getStatusCode(), waited.getBody());
        APIGatewayProxyResponseEvent close = lifecycle(ProfileLifecycleHandler.DELETE_RESOURCE, Map.of("ProfileId", profileId));
        assertEquals(429, close.getStatusCode(), close.getBody());
        assertTrue(stored.object(DOMAIN, "CTR", key).isPresent(), "nothing was removed");

        setOnProfile(profileId, "SET fencedUntil = :u", Map.of(":u", AttributeValue.fromN(Long.toString(now - 1))));
        assertEquals(200, deleteObject(profileId, key).getStatusCode());
        assertTrue(stored.object(DOMAIN, "CTR", key).isEmpty());
    }

    @Test
    void noRemovalStartsOnAProfileBeingClosed() {
        String key = uniqueKey(putCtr("closing-1", "+1 206 555 0802"));
        String profileId = stored.object(DOMAIN, "CTR", key).orElseThrow().profileId();
        setOnProfile(profileId, "SET closing = :c", Map.of(":c", AttributeValue.fromBool(true)));

        APIGatewayProxyResponseEvent refused = deleteObject(profileId, key);
        assertEquals(404, refused.getStatusCode(), refused.getBody());
        assertTrue(stored.object(DOMAIN, "CTR", key).isPresent());
    }

    @Test
    void putsWaitForFencedGatesAndPassLapsedOnes() {
        String first = uniqueKey(putCtr("fenced-1", "+1 206 555 0803"));
        String profileId = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
        fenceGates(profileId, System.currentTimeMillis() + 60_000);

        APIGatewayProxyResponseEvent waited = putCtr("fenced-2", "+1 206 555 0803");
        assertEquals(429, waited.getStatusCode(), waited.getBody());
        assertTrue(stored.object(DOMAIN, "CTR", org.openprofiles.resolution.ProfileObjectUniqueKeys.of("CTR", "fenced-2")).isEmpty(),
                "nothing was written");

        fenceGates(profileId, System.currentTimeMillis() - 1);
        String second = uniqueKey(putCtr("fenced-2", "+1 206 555 0803"));
        assertEquals(profileId, stored.object(DOMAIN, "CTR", second).orElseThrow().profileId());
    }
}

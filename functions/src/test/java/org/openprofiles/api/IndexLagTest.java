package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.KeyValue;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DeleteProfile, MergeProfiles and DeleteProfileObject over a table whose index lags a minute
 * behind (the production-like DynamoDB's {@code indexLagMs}): what they decide on comes from the
 * base table, so what the index does not show yet is erased, moved or counted as a source all the same.
 */
class IndexLagTest {
    static final String DOMAIN = "ExampleDomainName";
    ProductionLikeDynamo proxy;
    String table;
    PutProfileObjectHandler put;
    ProfileLifecycleHandler lifecycle;
    ReadProfilesHandler read;
    StoredData stored;

    @BeforeEach
    void setUp() {
        proxy = ProductionLike.proxy(Rules.defaults().conflictWindowMs(25).indexLagMs(60_000));
        table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(ProductionLike.client(), table, Clock.systemUTC());
        put = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));
        lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(TestDomains.all(), store));
        read = new ReadProfilesHandler(new ProfileReadService(TestDomains.all(), store));
        stored = new StoredData(LocalDynamo.client(), table);
    }

    String putCtr(String contactId, String phone) {
        return (String) ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ContentionTest.ctr(contactId, phone)),
                TestContext.remaining(15_000))).get("ProfileObjectUniqueKey");
    }

    Map<String, Object> lifecycle(String method, String resource, Map<String, Object> body) {
        return ok(lifecycle.handleRequest(Events.request(method, resource, DOMAIN, Json.write(body)), TestContext.remaining(15_000)));
    }

    static KeyValue phone(String number) {
        return new KeyValue("_phone", Normaliser.normalise(ContentType.PHONE_NUMBER, number));
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    @SuppressWarnings("unchecked")
    int listed(String profileId) {
        return ((List<Object>) ok(read.handleRequest(Events.listProfileObjects(DOMAIN, "CTR", profileId),
                TestContext.remaining(15_000))).get("Items")).size();
    }

    @Test
    void deleteProfileErasesObjectsTheIndexDoesNotShowYet() {
        String first = putCtr("lag-delete-0", "+1 206 555 0700");
        String victim = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
        for (int i = 1; i < 10; i++) putCtr("lag-delete-" + i, "+1 206 555 0700");
        assertEquals(0, listed(victim), "the index does not show the profile's objects yet");
        proxy.resetStats(); // from here on, only the deletion's own index queries count

        lifecycle("POST", ProfileLifecycleHandler.DELETE_RESOURCE, Map.of("ProfileId", victim));

        ProfileLifecycleTest.assertNothingOf(table, victim, List.of("lag-delete-", "+12065550700"));
        assertTrue(proxy.stats().indexItemsHidden() >= 10, "the erasure's own index query saw nothing either (hidden: "
                + proxy.stats().indexItemsHidden() + "): the shards found the objects");
    }

    @Test
    void mergeMovesObjectsTheIndexDoesNotShowYet() {
        String main = stored.object(DOMAIN, "CTR", putCtr("lag-main", "+1 206 555 0710")).orElseThrow().profileId();
        String merged = stored.object(DOMAIN, "CTR", putCtr("lag-merged-0", "+1 206 555 0711")).orElseThrow().profileId();
        for (int i = 1; i < 6; i++) putCtr("lag-merged-" + i, "+1 206 555 0711");

        lifecycle("POST", ProfileLifecycleHandler.MERGE_RESOURCE, Map.of("MainProfileId", main, "ProfileIdsToBeMerged", List.of(merged)));

        ProfileLifecycleTest.assertNothingOf(table, merged, List.of());
        for (int i = 0; i < 6; i++) {
            assertEquals(Set.of(main), stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "lag-merged-" + i)));
        }
        assertEquals(Set.of(main), stored.profilesWithKey(DOMAIN, phone("+1 206 555 0711")));
        proxy.rules(Rules.defaults());
        assertEquals(7, listed(main), "every object is on the main profile once the index caught up");
    }

    @Test
    void deleteProfileObjectCountsASourceTheIndexDoesNotShowYet() {
        KeyValue phone = phone("+1 206 555 0720");
        String first = putCtr("lag-source-0", "+1 206 555 0720");
        String profileId = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
        // The phone field goes: the two objects are the phone's only sources.
        lifecycle("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE, Map.of("ProfileId", profileId, "PhoneNumber", ""));
        String second = putCtr("lag-source-1", "+1 206 555 0720");
        assertEquals(0, listed(profileId), "the index does not show the second object yet");

        lifecycle("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                Map.of("ProfileId", profileId, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", first));
        assertEquals(Set.of(profileId), stored.profilesWithKey(DOMAIN, phone), "the second object still brings the phone");

        lifecycle("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                Map.of("ProfileId", profileId, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", second));
        assertEquals(Set.of(), stored.profilesWithKey(DOMAIN, phone), "its last source went");
    }

    @Test
    void updateProfileCountsASourceTheIndexDoesNotShowYet() {
        KeyValue phone = phone("+1 206 555 0730");
        String first = putCtr("lag-update-0", "+1 206 555 0730");
        String profileId = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
        assertEquals(0, listed(profileId));

        lifecycle("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE, Map.of("ProfileId", profileId, "PhoneNumber", ""));
        assertEquals(Set.of(profileId), stored.profilesWithKey(DOMAIN, phone), "the object still brings the phone");
    }

    /** Tables written before the shards recorded objects: their objects are found through the index (no lag here). */
    @Test
    void objectsWithoutMembershipAreErasedThroughTheIndex() {
        proxy.rules(Rules.defaults());
        String first = putCtr("legacy-0", "+1 206 555 0740");
        String victim = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
        for (int i = 1; i < 5; i++) putCtr("legacy-" + i, "+1 206 555 0740");
        int forgotten = 0;
        for (Map<String, AttributeValue> item : LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
            // Such tables predate profile history too: no record of the victim exists.
            boolean history = item.get("pk").s().startsWith("D#" + DOMAIN + "#H#") && victim.equals(item.get("profileId").s());
            if (history || item.get("pk").s().startsWith("D#" + DOMAIN + "#S#" + victim + "#")) {
                LocalDynamo.client().deleteItem(r -> r.tableName(table).key(Map.of("pk", item.get("pk"))));
                forgotten++;
            }
        }
        assertTrue(forgotten > 0);

        lifecycle("POST", ProfileLifecycleHandler.DELETE_RESOURCE, Map.of("ProfileId", victim));

        ProfileLifecycleTest.assertNothingOf(table, victim, List.of("legacy-", "+12065550740"));
    }
}

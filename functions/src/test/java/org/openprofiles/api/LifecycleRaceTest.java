package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.model.KeyValue;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;

/**
 * Puts racing DeleteProfile and MergeProfiles over DynamoDB as production behaves (25 ms
 * transaction window, the functions' own client): a racing put lands before (and is erased or
 * moved with the profile) or after (on another, new or the main profile), never on a closed one.
 */
class LifecycleRaceTest {
    static final String DOMAIN = "ExampleDomainName";
    ProductionLikeDynamo proxy;
    String table;
    PutProfileObjectHandler put;
    ProfileLifecycleHandler lifecycle;
    StoredData stored;

    @BeforeEach
    void setUp() {
        proxy = ProductionLike.proxy(Rules.defaults().conflictWindowMs(25));
        table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(ProductionLike.client(), table, Clock.systemUTC());
        put = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));
        lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(TestDomains.all(), store));
        stored = new StoredData(LocalDynamo.client(), table);
    }

    /** Puts that were in flight while the lifecycle call ran, over the whole test (a race that never overlapped proves nothing). */
    int overlapping;

    /**
     * Races the puts with the lifecycle call inserted at {@code at}, and counts the puts whose time in
     * flight overlapped the lifecycle call's.
     */
    List<APIGatewayProxyResponseEvent> raceAround(List<Callable<APIGatewayProxyResponseEvent>> puts, int at,
                                                  Callable<APIGatewayProxyResponseEvent> lifecycleCall) throws Exception {
        int n = puts.size() + 1;
        long[] starts = new long[n];
        long[] ends = new long[n];
        List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>(puts);
        calls.add(at, lifecycleCall);
        List<Callable<APIGatewayProxyResponseEvent>> timed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Callable<APIGatewayProxyResponseEvent> call = calls.get(i);
            timed.add(() -> {
                starts[index] = System.nanoTime();
                try {
                    return call.call();
                } finally {
                    ends[index] = System.nanoTime();
                }
            });
        }
        List<APIGatewayProxyResponseEvent> responses = ContentionTest.race(16, timed);
        for (int i = 0; i < n; i++) if (i != at && starts[i] < ends[at] && ends[i] > starts[at]) overlapping++;
        return responses;
    }

    /** The race really raced: puts overlapped the lifecycle calls in time, and transactions met at the wire. */
    void assertOverlapped(int atLeast) {
        assertTrue(overlapping >= atLeast, "only " + overlapping + " puts were in flight during a lifecycle call");
        assertTrue(proxy.stats().transactionConflicts() > 0, "no two transactions ever met at the wire");
    }

    String putCtr(String contactId, String phone) {
        APIGatewayProxyResponseEvent response = put.handleRequest(Events.putProfileObject(DOMAIN, "CTR",
                ContentionTest.ctr(contactId, phone)), TestContext.remaining(15_000));
        assertEquals(200, response.getStatusCode(), response.getBody());
        return (String) Events.body(response).get("ProfileObjectUniqueKey");
    }

    @Test
    void putsRacingDeleteProfileLeaveNoTraceOfTheDeletedProfile() throws Exception {
        for (int round = 0; round < 4; round++) {
            String phone = String.format("+1 206 555 %04d", 300 + round);
            String first = putCtr("victim-" + round, phone);
            String victim = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
            for (int i = 0; i < 20; i++) putCtr("before-" + round + "-" + i, phone);

            List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String contact = "racing-" + round + "-" + i;
                calls.add(() -> put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ContentionTest.ctr(contact, phone)),
                        TestContext.remaining(15_000)));
            }
            List<APIGatewayProxyResponseEvent> responses = raceAround(calls, 6, () -> lifecycle.handleRequest(Events.request("POST",
                    ProfileLifecycleHandler.DELETE_RESOURCE, DOMAIN, Json.write(Map.of("ProfileId", victim))), TestContext.remaining(15_000)));
            for (APIGatewayProxyResponseEvent response : responses) assertEquals(200, response.getStatusCode(), response.getBody());

            ProfileLifecycleTest.assertNothingOf(table, victim, List.of());
            Set<String> survivorsOn = new java.util.HashSet<>();
            for (int i = 0; i < 12; i++) {
                String key = (String) Events.body(responses.get(i < 6 ? i : i + 1)).get("ProfileObjectUniqueKey");
                stored.object(DOMAIN, "CTR", key).ifPresent(object -> {
                    assertFalse(victim.equals(object.profileId()));
                    survivorsOn.add(object.profileId());
                });
            }
            Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_phone",
                    org.openprofiles.mapping.Normaliser.normalise(org.openprofiles.model.ContentType.PHONE_NUMBER, phone)));
            assertFalse(holders.contains(victim));
            // Puts ordered after the delete share one new profile, which holds the phone; none ordered after: no profile.
            assertEquals(survivorsOn, holders, "the puts that landed after the delete made exactly one new profile: " + holders);
            assertTrue(holders.size() <= 1, "one new profile at most: " + holders);
        }
        TableContents.checked(LocalDynamo.client(), table);
        assertOverlapped(12);
    }

    @Test
    void putsRacingMergeProfilesLandOnTheMainProfile() throws Exception {
        String phone = "+1 503 555 0400";
        String main = stored.object(DOMAIN, "CTR", putCtr("main-0", "+1 503 555 0401")).orElseThrow().profileId();
        String merged = stored.object(DOMAIN, "CTR", putCtr("merged-0", phone)).orElseThrow().profileId();
        for (int i = 1; i < 20; i++) putCtr("merged-" + i, phone);

        // Enough puts that some meet at the wire (two on one of 79 shards, or one on a shard the merge closes).
        int racing = 32;
        List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < racing; i++) {
            String contact = "racing-merge-" + i;
            calls.add(() -> put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ContentionTest.ctr(contact, phone)),
                    TestContext.remaining(15_000)));
        }
        List<APIGatewayProxyResponseEvent> responses = raceAround(calls, 4, () -> lifecycle.handleRequest(Events.request("POST",
                ProfileLifecycleHandler.MERGE_RESOURCE, DOMAIN, Json.write(Map.of("MainProfileId", main, "ProfileIdsToBeMerged",
                        List.of(merged)))), TestContext.remaining(15_000)));
        for (APIGatewayProxyResponseEvent response : responses) assertEquals(200, response.getStatusCode(), response.getBody());

        ProfileLifecycleTest.assertNothingOf(table, merged, List.of());
        assertEquals(Set.of(main), stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+15035550400")));
        for (int i = 0; i < 20; i++) {
            assertEquals(Set.of(main), stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "merged-" + i)));
        }
        for (int i = 0; i < racing; i++) {
            assertEquals(Set.of(main), stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "racing-merge-" + i)),
                    "a put racing the merge landed on the main profile");
        }
        // Two phones and every contact id; every object.
        assertEquals(new TableContents(1, 23 + racing, 21 + racing), TableContents.checked(LocalDynamo.client(), table));
        assertOverlapped(3);
    }

    /**
     * A put that finds the phone already naming the profile does not touch the phone's item; the
     * removal must still see it as a new source. Each round: the profile's only source of phone A is
     * object O0 (UpdateProfile emptied its PhoneNumber field), and 12 puts bringing A race
     * DeleteProfileObject(O0). Whatever the order, every racing object's profile holds the values it
     * brought, and A names the profile exactly when an object on it brings A.
     */
    @Test
    void putsRacingDeleteProfileObjectNeverLeaveTheirValueWithoutTheirProfile() throws Exception {
        // Transactions reach the table 100-300 ms after they were decided, as over a slow network: a put decided
        // before the removal committed can commit after it.
        proxy.rules(Rules.defaults().conflictWindowMs(25).latency("TransactWriteItems", 100, 200));
        for (int round = 0; round < 6; round++) {
            String phone = String.format("+1 206 555 %04d", 600 + round);
            KeyValue phoneKey = new KeyValue("_phone", org.openprofiles.mapping.Normaliser.normalise(
                    org.openprofiles.model.ContentType.PHONE_NUMBER, phone));
            String first = putCtr("only-source-" + round, phone);
            String profile = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
            assertEquals(200, lifecycle.handleRequest(Events.request("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE, DOMAIN,
                    Json.write(Map.of("ProfileId", profile, "PhoneNumber", ""))), TestContext.remaining(15_000)).getStatusCode());
            assertTrue(stored.profilesWithKey(DOMAIN, phoneKey).contains(profile), "the object still brings the old phone");

            List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String contact = "same-phone-" + round + "-" + i;
                calls.add(() -> put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ContentionTest.ctr(contact, phone)),
                        TestContext.remaining(15_000)));
            }
            List<APIGatewayProxyResponseEvent> responses = raceAround(calls, 6, () -> lifecycle.handleRequest(Events.request("POST",
                    ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE, DOMAIN, Json.write(Map.of("ProfileId", profile, "ObjectTypeName", "CTR",
                            "ProfileObjectUniqueKey", first))), TestContext.remaining(15_000)));
            for (APIGatewayProxyResponseEvent response : responses) assertEquals(200, response.getStatusCode(), response.getBody());

            assertTrue(stored.object(DOMAIN, "CTR", first).isEmpty());
            boolean anyOnProfile = false;
            for (int i = 0; i < 12; i++) {
                String key = (String) Events.body(responses.get(i < 6 ? i : i + 1)).get("ProfileObjectUniqueKey");
                String on = stored.object(DOMAIN, "CTR", key).orElseThrow().profileId();
                anyOnProfile |= profile.equals(on);
                assertTrue(stored.profilesWithKey(DOMAIN, phoneKey).contains(on),
                        "round " + round + ": an object on " + on + " brings the phone, which must name its profile");
                assertTrue(stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "same-phone-" + round + "-" + i)).contains(on));
            }
            assertEquals(anyOnProfile, stored.profilesWithKey(DOMAIN, phoneKey).contains(profile),
                    "round " + round + ": the phone names the profile exactly while an object on it brings the phone");
        }
        TableContents.checked(LocalDynamo.client(), table);
        assertOverlapped(24);
    }
}

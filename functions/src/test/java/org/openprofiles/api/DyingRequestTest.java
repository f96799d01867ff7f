package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openprofiles.json.Json;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.MutableClock;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A lifecycle call whose function dies after its k-th DynamoDB call, for every k: the
 * production-like DynamoDB lets k calls through and refuses every later one at the wire (as the
 * calls of a dead function never reach DynamoDB). Then, 20 s later by the clock (so the dead call's
 * record looks abandoned), the customer's next contact record arrives and the erasure worker's
 * schedule sweeps the domain, and what the API shows and the table holds must be the operation done
 * entirely or not at all: never half.
 */
class DyingRequestTest {
    static final String DOMAIN = "ExampleDomainName";
    static final String PHONE_A = "+1 206 555 0301";
    static final String PHONE_B = "+1 206 555 0302";
    static final String PHONE_FIELD = "+1 206 555 0303";
    static final String PHONE_NEW = "+1 206 555 0304";
    static final int B_OBJECTS = 6;
    ProductionLikeDynamo proxy;

    enum Op { MERGE_PROFILES, DELETE_PROFILE, DELETE_PROFILE_OBJECT, UPDATE_PROFILE_PHONE }

    @BeforeEach
    void setUp() {
        proxy = ProductionLike.proxy(Rules.none());
    }

    /**
     * A fresh table with two customers: A (3 contact records) and B (created with two phone fields, then 6 contact records
     * with the first: its home phone's only source is the field).
     */
    final class World {
        final String table = LocalDynamo.newTable();
        final MutableClock clock = new MutableClock(Instant.now());
        final PutProfileObjectHandler put;
        final ReadProfilesHandler read;
        final ProfileLifecycleHandler lifecycle;
        /** The erasure worker's store, in its function's role: its sweep finishes what no request meets. */
        final ProfileStore sweeper;
        final String a;
        final String b;
        final List<String> bContacts = new ArrayList<>();
        final Map<String, String> uniqueKeys = new java.util.HashMap<>();

        World() {
            // Each function with its own store, in its own role: a path needing a right its role lacks is denied.
            put = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store(FunctionRoles.PUT_PROFILE_OBJECT), clock));
            read = new ReadProfilesHandler(new ProfileReadService(TestDomains.all(), store(FunctionRoles.READ_PROFILES)));
            lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(TestDomains.all(), store(FunctionRoles.PROFILE_LIFECYCLE)));
            sweeper = store(FunctionRoles.ERASURE);
            for (int i = 0; i < 3; i++) putCtr("a-" + i, PHONE_A);
            a = only(found("_phone", PHONE_A));
            b = (String) ok(lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.PROFILES_RESOURCE,
                    Map.of("FirstName", "Bea", "PhoneNumber", PHONE_B, "HomePhoneNumber", PHONE_FIELD)),
                    TestContext.remaining(15_000))).get("ProfileId");
            for (int i = 0; i < B_OBJECTS; i++) {
                bContacts.add("b-" + i);
                uniqueKeys.put("b-" + i, putCtr("b-" + i, PHONE_B));
            }
        }

        ProfileStore store(String role) {
            return new DynamoProfileStore(ProductionLike.clientAs(role), table, clock);
        }

        String putCtr(String contactId, String phone) {
            return (String) ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR",
                    "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}"),
                    TestContext.remaining(15_000))).get("ProfileObjectUniqueKey");
        }

        APIGatewayProxyResponseEvent run(Op op) {
            return switch (op) {
                case MERGE_PROFILES -> lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.MERGE_RESOURCE,
                        Map.of("MainProfileId", a, "ProfileIdsToBeMerged", List.of(b))), TestContext.remaining(15_000));
                case DELETE_PROFILE -> lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_RESOURCE,
                        Map.of("ProfileId", b)), TestContext.remaining(15_000));
                case DELETE_PROFILE_OBJECT -> lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                        Map.of("ProfileId", b, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", uniqueKeys.get("b-0"))),
                        TestContext.remaining(15_000));
                case UPDATE_PROFILE_PHONE -> lifecycle.handleRequest(call("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE,
                        Map.of("ProfileId", b, "HomePhoneNumber", PHONE_NEW)), TestContext.remaining(15_000));
            };
        }

        @SuppressWarnings("unchecked")
        Set<String> found(String keyName, String value) {
            List<Map<String, Object>> items = (List<Map<String, Object>>) ok(read.handleRequest(
                    Events.searchProfiles(DOMAIN, keyName, value), TestContext.remaining(15_000))).get("Items");
            Set<String> ids = new HashSet<>();
            for (Map<String, Object> item : items) ids.add((String) item.get("ProfileId"));
            return ids;
        }

        @SuppressWarnings("unchecked")
        boolean exists(String profileId) {
            Map<String, Object> body = ok(read.handleRequest(call("POST", ReadProfilesHandler.BATCH_GET_RESOURCE,
                    Map.of("ProfileIds", List.of(profileId))), TestContext.remaining(15_000)));
            return !((List<Object>) body.get("Profiles")).isEmpty();
        }

        /** Every item of the table that still mentions the text (bare shard markers of gone profiles excepted). */
        List<String> itemsMentioning(String text) {
            List<String> found = new ArrayList<>();
            for (Map<String, AttributeValue> item : LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
                if (item.get("pk").s().contains("#S#") && item.containsKey("expiresAt")) continue;
                // History records about a merged profile live on under the main one; those listed under the text's profile count.
                if (item.get("pk").s().contains("#H#") && !text.equals(item.get("profileId").s())) continue;
                if (item.toString().contains(text)) found.add(item.get("pk").s());
            }
            return found;
        }
    }

    static APIGatewayProxyRequestEvent call(String method, String resource, Map<String, Object> body) {
        return Events.request(method, resource, DOMAIN, Json.write(body));
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    static String only(Set<String> ids) {
        assertEquals(1, ids.size(), "exactly one profile: " + ids);
        return ids.iterator().next();
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void dyingAfterAnyDynamoDbCallLeavesTheOperationWholeOrUndone(Op op) {
        World probe = new World();
        proxy.resetStats();
        ok(probe.run(op));
        long calls = proxy.stats().totalCalls();
        assertTrue(calls >= 3, op + " made " + calls + " calls");
        int done = 0;
        for (int k = 1; k < calls; k++) {
            World world = new World();
            proxy.stopAfter(k);
            APIGatewayProxyResponseEvent died = world.run(op);
            proxy.resume();
            assertEquals(k, proxy.callsLetThrough(), op + ": the call went past its " + k + "th DynamoDB call");
            assertNotEquals(200, died.getStatusCode(), op + " answered 200 though its call " + (k + 1) + " never reached DynamoDB");
            // The customer's next contact record, after the dead call's function timeout.
            world.clock.advance(Duration.ofSeconds(20));
            world.putCtr("next", PHONE_B);
            // And the worker's scheduled sweep of the domain (for what no request meets: a profile whose values are gone).
            world.sweeper.finishAbandoned(DOMAIN, ProfileLifecycleService.typeNames(TestDomains.all().get(DOMAIN, org.openprofiles.model.Deadline.in(Duration.ofSeconds(5)))),
                    org.openprofiles.model.Deadline.in(Duration.ofSeconds(15)));
            if (check(op, world, "died after call " + k + " of " + calls)) done++;
            TableContents.checked(LocalDynamo.client(), world.table);
            assertEquals(Map.of(), proxy.stats().denied(), "every call within its function's rights");
        }
        System.out.printf("%s: %d calls; died after each of 1..%d: %d found done by the next request, %d undone%n",
                op, calls, calls - 1, done, calls - 1 - done);
    }

    /** Asserts the operation is entirely done or not at all; true when done. */
    private static boolean check(Op op, World w, String when) {
        return switch (op) {
            case MERGE_PROFILES -> {
                String home = only(w.found("_ctrContactId", "b-0"));
                for (String contact : w.bContacts) assertEquals(Set.of(home), w.found("_ctrContactId", contact), when + ": " + contact);
                assertEquals(Set.of(home), w.found("_phone", PHONE_B), when);
                assertEquals(Set.of(home), w.found("_ctrContactId", "next"), when + ": the next record");
                assertEquals(Set.of(w.a), w.found("_ctrContactId", "a-0"), when);
                boolean merged = home.equals(w.a);
                assertTrue(merged || home.equals(w.b), when + ": records on a third profile " + home);
                assertEquals(!merged, w.exists(w.b), when + ": the merged profile");
                assertEquals(Set.of(merged ? w.a : w.b), w.found("_phone", PHONE_FIELD), when);
                if (merged) {
                    assertEquals(List.of(), w.itemsMentioning(w.b), when + ": the merged profile's id stays in the table");
                    // A moved record is a source of its values on the main profile like any other (not a retained key).
                    ok(w.lifecycle.handleRequest(call("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE, Map.of("ProfileId", w.a,
                            "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", w.uniqueKeys.get("b-0"))), TestContext.remaining(15_000)));
                    assertEquals(Set.of(), w.found("_ctrContactId", "b-0"), when + ": a deleted moved record's contact id stays");
                }
                yield merged;
            }
            case DELETE_PROFILE -> {
                Set<String> first = w.found("_ctrContactId", "b-0");
                for (String contact : w.bContacts) assertEquals(first, w.found("_ctrContactId", contact), when + ": " + contact);
                boolean deleted = first.isEmpty();
                assertEquals(!deleted, w.exists(w.b), when);
                if (deleted) {
                    assertEquals(List.of(), w.itemsMentioning(w.b), when + ": the deleted profile's id stays in the table");
                    assertEquals(List.of(), w.itemsMentioning("b-3"), when + ": a deleted record stays in the table");
                    assertEquals(Set.of(), w.found("_phone", PHONE_FIELD), when);
                    assertFalse(w.found("_phone", PHONE_B).contains(w.b), when);
                } else {
                    assertEquals(Set.of(w.b), first, when);
                    assertEquals(Set.of(w.b), w.found("_phone", PHONE_B), when);
                    assertEquals(Set.of(w.b), w.found("_ctrContactId", "next"), when);
                }
                yield deleted;
            }
            case DELETE_PROFILE_OBJECT -> {
                Set<String> first = w.found("_ctrContactId", "b-0");
                boolean deleted = first.isEmpty();
                if (!deleted) assertEquals(Set.of(w.b), first, when);
                assertEquals(deleted, w.itemsMentioning("\"b-0\"").isEmpty(), when + ": the object and its contact id go together");
                for (String contact : w.bContacts.subList(1, B_OBJECTS)) assertEquals(Set.of(w.b), w.found("_ctrContactId", contact), when);
                assertEquals(Set.of(w.b), w.found("_phone", PHONE_B), when);
                yield deleted;
            }
            case UPDATE_PROFILE_PHONE -> {
                Set<String> old = w.found("_phone", PHONE_FIELD);
                Set<String> fresh = w.found("_phone", PHONE_NEW);
                boolean updated = old.isEmpty();
                assertEquals(updated ? Set.of(w.b) : Set.of(), fresh, when + ": old " + old + ", new " + fresh);
                if (!updated) assertEquals(Set.of(w.b), old, when);
                assertEquals(Set.of(w.b), w.found("_phone", PHONE_B), when);
                yield updated;
            }
        };
    }
}

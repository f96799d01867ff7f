package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * One interleaving the random histories found (seed 1796488681672, INDEX_LAG), replayed at the wire: a MergeProfiles
 * has closed the merged profile A but not yet moved A's key values to the main profile M, when a PutProfileObject with
 * A's phone number is refused by A's closed shard; before it decides again, an UpdateProfile gives profile C the same
 * phone, so the put now finds the number on two profiles and creates a new one. Its write drops the merged-away A from
 * the number, and the merge, moving "A to M" a moment later, finds no A left. The number must still name M, where
 * A's contact record went.
 */
class PutDuringMergeTest {
    static final String DOMAIN = "ExampleDomainName";
    static final String PHONE = "+1 206 555 0171";

    @Test
    @SuppressWarnings("unchecked")
    void aNumberTheMergedProfileHeldNamesTheMainProfileWhenARacingPutRewritesItFirst() throws Exception {
        String table = LocalDynamo.newTable();
        ProfileStore plainStore = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        PutProfileObjectHandler plainPut = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), plainStore, Clock.systemUTC()));
        ProfileLifecycleHandler plainLifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(TestDomains.all(), plainStore));
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(TestDomains.all(), plainStore));

        ok(plainPut.handleRequest(putCtr("a-0"), TestContext.remaining(15_000)));
        String a = only(found(read, "_phone", PHONE));
        String main = (String) ok(plainLifecycle.handleRequest(call("POST", ProfileLifecycleHandler.PROFILES_RESOURCE,
                Map.of("FirstName", "Main")), TestContext.remaining(15_000))).get("ProfileId");
        String c = (String) ok(plainLifecycle.handleRequest(call("POST", ProfileLifecycleHandler.PROFILES_RESOURCE,
                Map.of("FirstName", "Other")), TestContext.remaining(15_000))).get("ProfileId");

        // The merge's function stops at its read of the number's holders (after closing A) until the put is done.
        String numberItem = StoreKeys.keyValue(DOMAIN, new KeyValue("_phone", "+12065550171"));
        CountDownLatch mergeAtTheNumber = new CountDownLatch(1);
        CountDownLatch putDone = new CountDownLatch(1);
        ExecutionInterceptor pauseAtTheNumber = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof BatchGetItemRequest batch && mergeAtTheNumber.getCount() > 0
                        && batch.requestItems().values().stream().flatMap(k -> k.keys().stream())
                        .anyMatch(key -> numberItem.equals(key.get("pk").s()))) {
                    mergeAtTheNumber.countDown();
                    await(putDone);
                }
            }
        };
        ProfileStore mergeStore = new DynamoProfileStore(LocalDynamo.client(List.of(pauseAtTheNumber)), table, Clock.systemUTC());
        ProfileLifecycleHandler mergeLifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(TestDomains.all(), mergeStore));
        CompletableFuture<APIGatewayProxyResponseEvent> merge = CompletableFuture.supplyAsync(() -> mergeLifecycle.handleRequest(
                call("POST", ProfileLifecycleHandler.MERGE_RESOURCE, Map.of("MainProfileId", main, "ProfileIdsToBeMerged", List.of(a))),
                TestContext.remaining(60_000)));
        assertTrue(mergeAtTheNumber.await(30, TimeUnit.SECONDS), "the merge reached the number's holders");

        // The put's write on A's closed shard is refused; C takes the number before the put reads again.
        AtomicInteger refusedWrites = new AtomicInteger();
        ExecutionInterceptor cTakesTheNumber = new ExecutionInterceptor() {
            @Override
            public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof TransactWriteItemsRequest && refusedWrites.getAndIncrement() == 0) {
                    ok(plainLifecycle.handleRequest(call("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE,
                            Map.of("ProfileId", c, "PhoneNumber", PHONE)), TestContext.remaining(15_000)));
                }
            }
        };
        ProfileStore putStore = new DynamoProfileStore(LocalDynamo.client(List.of(cTakesTheNumber)), table, Clock.systemUTC());
        PutProfileObjectHandler racingPut = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), putStore, Clock.systemUTC()));
        ok(racingPut.handleRequest(putCtr("r-1"), TestContext.remaining(15_000)));
        putDone.countDown();
        ok(merge.get(60, TimeUnit.SECONDS));
        assertEquals(1, refusedWrites.get(), "the put met A closed once, then decided again with C holding the number");

        Set<String> holders = found(read, "_phone", PHONE);
        assertTrue(holders.contains(main), "the number names the main profile, which holds A's record: " + holders);
        assertTrue(holders.contains(c), "and C, which took it: " + holders);
        assertEquals(Set.of(main), found(read, "_ctrContactId", "a-0"), "A's record is on the main profile");
        assertEquals(3, holders.size(), "M, C and the profile the put created: " + holders);
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("the put never finished");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent putCtr(String contactId) {
        return Events.putProfileObject(DOMAIN, "CTR", ContentionTest.ctr(contactId, PHONE));
    }

    static com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent call(String method, String resource, Map<String, Object> body) {
        return Events.request(method, resource, DOMAIN, Json.write(body));
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    @SuppressWarnings("unchecked")
    static Set<String> found(ReadProfilesHandler read, String keyName, String value) {
        List<Map<String, Object>> items = (List<Map<String, Object>>) ok(read.handleRequest(
                Events.searchProfiles(DOMAIN, keyName, value), TestContext.remaining(15_000))).get("Items");
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> item : items) ids.add((String) item.get("ProfileId"));
        return ids;
    }

    static String only(Set<String> ids) {
        assertEquals(1, ids.size(), "exactly one profile: " + ids);
        return ids.iterator().next();
    }
}

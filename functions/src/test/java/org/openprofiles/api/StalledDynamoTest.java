package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.json.Json;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.prodlike.Stats;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.EventStreamService;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.testing.ContactRecords;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.TableScan;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestKinesis;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB that stops answering: the production-like DynamoDB holds calls ({@code holdCalls}), never answering them
 * and never applying them. Every handler-level operation, administration and the contact-record consumer included, all
 * at once, must answer inside its function's remaining time: with every call held, a 5xx, or for the consumer its
 * whole batch reported failed (to be delivered again). With only the single-item and batch writes held, DeleteProfile
 * and MergeProfiles stall half way, after their first transactions; the others may succeed. Either way nothing is left
 * half written but what the README lets a 5xx removal leave for its caller's next call, and each call that failed
 * succeeds once DynamoDB answers again.
 */
class StalledDynamoTest {
    static final String DOMAIN = "ExampleDomainName";
    /**
     * The Lambda's remaining time each call is given (Api.deadline keeps its answer margin of it): shorter than one
     * DynamoDB call's own timeout (6 s), so only a call bounded by the request's deadline answers in time.
     */
    static final long REMAINING_MS = 4_000;
    static final ExecutorService CALLERS = Executors.newCachedThreadPool();

    @AfterAll
    static void stopCallers() {
        CALLERS.shutdownNow();
    }

    /** What a call answered: ok (200, or no record reported), failed (5xx, or its batch reported from the first record). */
    record Answer(boolean ok, boolean failed, String what) {
        static Answer of(APIGatewayProxyResponseEvent response) {
            int status = response.getStatusCode();
            String type = response.getHeaders() == null ? null : response.getHeaders().get("x-amzn-ErrorType");
            return new Answer(status == 200, status >= 500, status + (type == null ? "" : " " + type));
        }

        static Answer of(KinesisEvent batch, StreamsEventResponse response) {
            List<String> reported = response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .toList();
            String first = batch.getRecords().get(0).getKinesis().getSequenceNumber();
            return new Answer(reported.isEmpty(), reported.equals(List.of(first)),
                    reported.isEmpty() ? "no record reported" : "reported from record " + reported + " of " + batch.getRecords().size());
        }
    }

    /** A table with the shipped domain's configuration in it and customers to work on, served by one container's handlers. */
    static final class World {
        static final String PHONE_A = "+1 206 555 0401";
        static final String PHONE_B = "+1 206 555 0402";
        static final String PHONE_C = "+1 206 555 0403";
        static final String PHONE_D = "+1 206 555 0404";
        static final String PHONE_E = "+1 206 555 0405";
        static final String SIDE_DOMAIN = "StalledSide";

        final String table = LocalDynamo.newTable();
        final PutProfileObjectHandler put;
        final AddProfileKeyHandler addKey;
        final ReadProfilesHandler read;
        final ProfileLifecycleHandler lifecycle;
        final AdminHandler admin;
        final ContactRecordStreamHandler stream;
        final String a;
        final String b;
        final String c;
        final String d;
        final String e;
        final String cObject;

        World(ProductionLikeDynamo proxy) {
            // A container of its own: the SDK's retry quota, which a stall drains, is not shared with other tests.
            DynamoDbClient dynamo = ProductionLike.clientFor(proxy.endpoint());
            new DomainAdminService(new ConfigReads(LocalDynamo.client(), table), new ConfigWrites(LocalDynamo.client(), table),
                    Clock.systemUTC(), ErasureWorker.GRACE).applyFiles(DomainLoader.classpathFiles(), Deadline.in(Duration.ofSeconds(30)));
            ConfigReads config = new ConfigReads(dynamo, table);
            Domains domains = new LiveDomains(config);
            ProfileStore store = new DynamoProfileStore(dynamo, table, Clock.systemUTC());
            PutProfileObjectService puts = new PutProfileObjectService(domains, store, Clock.systemUTC());
            put = new PutProfileObjectHandler(puts);
            addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
            read = new ReadProfilesHandler(new ProfileReadService(domains, store));
            lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, store));
            admin = new AdminHandler(new DomainAdminService(config, new ConfigWrites(dynamo, table), Clock.systemUTC(), ErasureWorker.GRACE),
                    new EventStreamService(config, new EventStreamWrites(dynamo, table), TestKinesis.destinations(), Clock.systemUTC()));
            stream = new ContactRecordStreamHandler(new ContactRecordService(puts, store, Clock.systemUTC(), DOMAIN,
                    ContactRecordService.DEFAULT_OBJECT_TYPE));

            a = customer("a", PHONE_A, 2);
            b = customer("b", PHONE_B, 1);
            cObject = putCtr("c-0", PHONE_C);
            c = only(search("_phone", PHONE_C));
            ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, c, "loyalty", "L-C"), context()));
            d = customer("d", PHONE_D, 1);
            e = (String) ok(lifecycle(ProfileLifecycleHandler.PROFILES_RESOURCE, "POST", Map.of("FirstName", "Eve", "PhoneNumber", PHONE_E),
                    context())).get("ProfileId");
            ok(admin(AdminHandler.DOMAIN, "POST", SIDE_DOMAIN, null, "{\"DefaultExpirationDays\":30}", context()));
        }

        /** A customer with {@code records} contact records from {@code phone}. */
        String customer(String name, String phone, int records) {
            for (int i = 0; i < records; i++) putCtr(name + "-" + i, phone);
            return only(search("_phone", phone));
        }

        String putCtr(String contactId, String phone) {
            return (String) ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ContentionTest.ctr(contactId, phone)), context()))
                    .get("ProfileObjectUniqueKey");
        }

        @SuppressWarnings("unchecked")
        Set<String> search(String keyName, String value) {
            Set<String> ids = new HashSet<>();
            for (Map<String, Object> item : (List<Map<String, Object>>) ok(read.handleRequest(Events.searchProfiles(DOMAIN, keyName, value),
                    context())).get("Items")) {
                ids.add((String) item.get("ProfileId"));
            }
            return ids;
        }

        APIGatewayProxyResponseEvent lifecycle(String resource, String method, Map<String, Object> body, Context context) {
            return lifecycle.handleRequest(Events.request(method, resource, DOMAIN, Json.write(body)), context);
        }

        APIGatewayProxyResponseEvent admin(String resource, String method, String domain, String type, String body, Context context) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("DomainName", domain);
            if (type != null) parameters.put("ObjectTypeName", type);
            APIGatewayProxyRequestEvent event = Events.request(method, resource, domain, body).withPathParameters(parameters);
            return admin.handleRequest(event, context);
        }

        /** Every operation, each on customers of its own so that they can all run at once. */
        Map<String, Function<Context, Answer>> operations() {
            Map<String, Function<Context, Answer>> ops = new LinkedHashMap<>();
            ops.put("PutProfileObject", ctx -> Answer.of(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR",
                    ContentionTest.ctr("stalled-put", PHONE_A)), ctx)));
            ops.put("AddProfileKey", ctx -> Answer.of(addKey.handleRequest(Events.addProfileKey(DOMAIN, e, "loyalty", "L-E"), ctx)));
            ops.put("SearchProfiles", ctx -> Answer.of(read.handleRequest(Events.searchProfiles(DOMAIN, "_phone", PHONE_A), ctx)));
            ops.put("ListProfileObjects", ctx -> Answer.of(read.handleRequest(Events.listProfileObjects(DOMAIN, "CTR", a), ctx)));
            ops.put("BatchGetProfile", ctx -> Answer.of(read.handleRequest(Events.request("POST", ReadProfilesHandler.BATCH_GET_RESOURCE,
                    DOMAIN, Json.write(Map.of("ProfileIds", List.of(a, c)))), ctx)));
            ops.put("CreateProfile", ctx -> Answer.of(lifecycle(ProfileLifecycleHandler.PROFILES_RESOURCE, "POST",
                    Map.of("FirstName", "Stan", "PhoneNumber", "+1 206 555 0406"), ctx)));
            ops.put("UpdateProfile", ctx -> Answer.of(lifecycle(ProfileLifecycleHandler.PROFILES_RESOURCE, "PUT",
                    Map.of("ProfileId", e, "HomePhoneNumber", "+1 206 555 0407"), ctx)));
            ops.put("DeleteProfile", ctx -> Answer.of(lifecycle(ProfileLifecycleHandler.DELETE_RESOURCE, "POST", Map.of("ProfileId", d), ctx)));
            ops.put("DeleteProfileKey", ctx -> Answer.of(lifecycle(ProfileLifecycleHandler.DELETE_KEY_RESOURCE, "POST",
                    Map.of("ProfileId", c, "KeyName", "loyalty", "Values", List.of("L-C")), ctx)));
            ops.put("DeleteProfileObject", ctx -> Answer.of(lifecycle(ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE, "POST",
                    Map.of("ProfileId", c, "ObjectTypeName", "CTR", "ProfileObjectUniqueKey", cObject), ctx)));
            ops.put("MergeProfiles", ctx -> Answer.of(lifecycle(ProfileLifecycleHandler.MERGE_RESOURCE, "POST",
                    Map.of("MainProfileId", a, "ProfileIdsToBeMerged", List.of(b)), ctx)));
            ops.put("CreateDomain", ctx -> Answer.of(admin(AdminHandler.DOMAIN, "POST", "StalledNew", null,
                    "{\"DefaultExpirationDays\":30}", ctx)));
            ops.put("PutProfileObjectType", ctx -> Answer.of(admin(AdminHandler.OBJECT_TYPE, "PUT", DOMAIN, "Side",
                    "{\"Description\":\"stalled\",\"TemplateId\":\"CTR\"}", ctx)));
            ops.put("DeleteDomain", ctx -> Answer.of(admin(AdminHandler.DOMAIN, "DELETE", SIDE_DOMAIN, null, null, ctx)));
            ops.put("ContactRecordStream", ctx -> {
                KinesisEvent batch = ContactRecords.batch(
                        ContactRecords.bytes(ContactRecords.voice("stalled-stream-0", PHONE_B, "2026-12-05T10:00:00Z")),
                        ContactRecords.bytes(ContactRecords.voice("stalled-stream-1", "+1 206 555 0408", "2026-12-05T10:01:00Z")),
                        ContactRecords.bytes(ContactRecords.voice("stalled-stream-2", PHONE_C, "2026-12-05T10:02:00Z")));
                return Answer.of(batch, stream.handleRequest(batch, ctx));
            });
            return ops;
        }

        /**
         * The table, checked as LifecycleHistoryTest checks it for anything half written: an item or object naming a
         * missing profile; an object whose key values do not name its profile, or a profile that exists with its shards
         * closed (every write to it would answer 404), unless {@code unsettled} (profiles of a DeleteProfile or
         * MergeProfiles that answered 5xx and may have begun: the README has its caller call again) are involved.
         */
        TableScan checkedScan(Set<String> unsettled) {
            TableScan scan = TableScan.of(LocalDynamo.client(), table);
            List<String> halfWritten = new ArrayList<>();
            scan.dangling().forEach(item -> halfWritten.add(item.toString()));
            for (TableScan.ObjectRow object : scan.objects) {
                String on = object.profileId();
                if (on == null) continue;
                if (!scan.profiles.contains(on)) halfWritten.add(object.pk() + ": object on missing profile " + on);
                for (String key : object.objectKeys()) {
                    Set<String> holders = scan.holders.getOrDefault(key, Set.of());
                    if (!holders.contains(on) && !unsettled.contains(on) && Collections.disjoint(holders, unsettled)) {
                        halfWritten.add(object.pk() + ": its key " + key + " names " + holders + ", not " + on);
                    }
                }
            }
            for (String id : scan.closed) {
                if (scan.profiles.contains(id) && !unsettled.contains(id)) halfWritten.add("profile " + id + " exists with its shards closed");
            }
            assertEquals(List.of(), halfWritten, "half written");
            return scan;
        }
    }

    static TestContext context() {
        return TestContext.remaining(15_000);
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    static String only(Set<String> ids) {
        assertEquals(1, ids.size(), "exactly one profile: " + ids);
        return ids.iterator().next();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"holdCalls=*", "holdCalls=UpdateItem,holdCalls=BatchWriteItem,holdCalls=DeleteItem"})
    void everyOperationGivesUpInsideItsRemainingTimeAndLeavesNothingHalfWritten(String stall) throws Exception {
        ProductionLikeDynamo proxy = ProductionLike.proxy(Rules.defaults());
        World world = new World(proxy);
        Set<Map<String, AttributeValue>> before = Set.copyOf(world.checkedScan(Set.of()).items);
        Rules stalled = Rules.parse(stall);
        Set<String> held = stalled.holdCalls();
        boolean everything = held.contains("*");

        proxy.rules(stalled);
        proxy.resetStats();
        Map<String, Future<Answer>> calls = new LinkedHashMap<>();
        Map<String, Long> millis = new ConcurrentHashMap<>();
        world.operations().forEach((name, operation) -> calls.put(name, CALLERS.submit(() -> {
            TestContext context = TestContext.remaining(REMAINING_MS);
            long started = System.nanoTime();
            Answer answer = operation.apply(context);
            millis.put(name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return answer;
        })));
        Map<String, Answer> answers = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Future<Answer>> call : calls.entrySet()) {
            String name = call.getKey();
            Answer answer = call.getValue().get(2 * REMAINING_MS, TimeUnit.MILLISECONDS);
            answers.put(name, answer);
            long ms = millis.get(name);
            System.out.printf("STALLED %s %s: %s in %d ms%n", stall, name, answer.what(), ms);
            // Where only some calls stall, an operation that needs none of them may succeed; none may answer 4xx.
            boolean due = everything ? answer.failed() : answer.failed() || answer.ok();
            if (!due || ms >= REMAINING_MS) wrong.add(name + ": " + answer.what() + " in " + ms + " ms");
        }
        Stats stats = proxy.stats();
        proxy.rules(Rules.defaults());
        assertTrue(proxy.awaitNoneHeld(Duration.ofSeconds(10)), "the held calls were dropped");

        assertEquals(List.of(), wrong, "not the answer due inside the remaining " + REMAINING_MS + " ms");
        assertTrue(stats.callsHeld() >= (everything ? calls.size() : 1), "the calls met the stall: " + stats);
        for (String operation : held) {
            assertEquals(0, everything ? stats.totalForwarded() : stats.forwarded(operation), "a held call reached DynamoDB: " + stats);
        }
        TableScan afterStall = world.checkedScan(Set.of(world.d, world.b));
        if (everything) assertEquals(before, Set.copyOf(afterStall.items), "the table is as before the stall");

        // DynamoDB answers again: each call that failed succeeds when called again, and what it removed is gone for good.
        List<String> failedAgain = new ArrayList<>();
        world.operations().forEach((name, operation) -> {
            if (answers.get(name).ok()) return;
            Answer answer = operation.apply(context());
            if (!answer.ok()) failedAgain.add(name + ": " + answer.what());
        });
        assertEquals(List.of(), failedAgain, "calls that failed again once DynamoDB answered");
        TableScan after = world.checkedScan(Set.of());
        assertEquals(List.of(), after.mentioning(world.d), "the deleted profile stays in the table");
        assertEquals(List.of(), after.mentioning(world.b), "the merged profile stays in the table");
    }
}

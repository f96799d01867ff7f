package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.KeyValue;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.AddProfileKeyService;
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
 * Real threads against DynamoDB as production behaves: transactions that touch an item another
 * transaction holds are cancelled (25 ms in flight each), over the functions' own client. The
 * callers do not retry: every non-200 is a failure a user would see.
 */
class ContentionTest {
    static final String DOMAIN = "ExampleDomainName";
    static final ExecutorService THREADS = Executors.newFixedThreadPool(32);
    ProductionLikeDynamo proxy;
    String table;
    PutProfileObjectHandler put;
    AddProfileKeyHandler addKey;
    StoredData stored;

    @BeforeEach
    void setUp() {
        proxy = ProductionLike.proxy(Rules.defaults().conflictWindowMs(25));
        table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(ProductionLike.client(), table, Clock.systemUTC());
        put = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));
        addKey = new AddProfileKeyHandler(new AddProfileKeyService(TestDomains.all(), store));
        stored = new StoredData(LocalDynamo.client(), table);
    }

    @AfterAll
    static void tearDown() {
        THREADS.shutdownNow();
    }

    /** Runs the calls on {@code parallel} threads at once (released together); each response in call order. */
    static List<APIGatewayProxyResponseEvent> race(int parallel, List<Callable<APIGatewayProxyResponseEvent>> calls) throws Exception {
        ExecutorService pool = parallel == 32 ? THREADS : Executors.newFixedThreadPool(parallel);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<APIGatewayProxyResponseEvent>> futures = new ArrayList<>();
            for (Callable<APIGatewayProxyResponseEvent> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<APIGatewayProxyResponseEvent> responses = new ArrayList<>();
            for (Future<APIGatewayProxyResponseEvent> f : futures) responses.add(f.get());
            return responses;
        } finally {
            if (pool != THREADS) pool.shutdownNow();
        }
    }

    static String ctr(String contactId, String phone) {
        return "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
    }

    static Set<String> uniqueKeys(List<APIGatewayProxyResponseEvent> responses) {
        Set<String> keys = new HashSet<>();
        for (APIGatewayProxyResponseEvent response : responses) {
            assertEquals(200, response.getStatusCode(), response.getBody());
            keys.add((String) Events.body(response).get("ProfileObjectUniqueKey"));
        }
        return keys;
    }

    @Test
    void fortyEightRecordsForAKnownCallerSixteenAtATimeAllLandOnItsProfile() throws Exception {
        assertEquals(200, put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("first", "+1 (503) 555-0142")), null).getStatusCode());
        String profileId = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+15035550142")).iterator().next();
        proxy.resetStats();

        List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            String object = ctr("known-" + i, i % 2 == 0 ? "503-555-0142" : "+1 503 555 0142");
            calls.add(() -> put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", object), null));
        }
        Set<String> keys = uniqueKeys(race(16, calls));

        assertEquals(48, keys.size());
        for (String key : keys) assertEquals(profileId, stored.object(DOMAIN, "CTR", key).orElseThrow().profileId());
        assertEquals(Set.of(profileId), stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+15035550142")));
        // Records for one profile share no item but a shard, one of ProfileShards.COUNT chosen at random:
        // two of them meet only when they pick the same shard while both are in flight (then one retries).
        assertTrue(proxy.stats().transactionConflicts() <= 16, "records for one profile rarely meet: " + proxy.stats());
        assertEquals(48 + proxy.stats().transactionConflicts(), proxy.stats().calls("TransactWriteItems"),
                "each record committed once, after its lost races: " + proxy.stats());
        assertEquals(new TableContents(1, 50, 49), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void thirtyTwoRecordsFromANewCallerAtOnceMakeExactlyOneProfile() throws Exception {
        List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String object = ctr("race-" + i, i % 2 == 0 ? "+1 (303) 555-0177" : "303-555-0177");
            calls.add(() -> put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", object), null));
        }
        Set<String> keys = uniqueKeys(race(32, calls));

        assertEquals(32, keys.size());
        assertTrue(proxy.stats().transactionConflicts() > 0, "the creators really raced: " + proxy.stats());
        Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+13035550177"));
        assertEquals(1, holders.size(), "exactly one inferred profile: " + holders);
        String profileId = holders.iterator().next();
        for (int i = 0; i < 32; i++) {
            assertEquals(Set.of(profileId), stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "race-" + i)));
        }
        for (String key : keys) assertEquals(profileId, stored.object(DOMAIN, "CTR", key).orElseThrow().profileId());
        assertEquals(new TableContents(1, 33, 32), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void addProfileKeyRacingPutProfileObjectNeverOrphansAKeyOrDuplicatesAProfile() throws Exception {
        long conflicts = 0;
        for (int round = 0; round < 12; round++) {
            String existingPhone = String.format("+1 (415) 555-%04d", round);
            String newPhone = String.format("+1 (628) 555-%04d", round);
            put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("owner-" + round, existingPhone)), null);
            String owner = stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "owner-" + round)).iterator().next();
            String contact = "raced-" + round;
            proxy.resetStats();

            List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
            calls.add(() -> addKey.handleRequest(Events.addProfileKey(DOMAIN, owner, "_ctrContactId", contact), null));
            calls.add(() -> put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr(contact, newPhone)), null));
            calls.add(() -> put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr(contact, newPhone)), null));
            for (APIGatewayProxyResponseEvent response : race(32, calls)) assertEquals(200, response.getStatusCode(), response.getBody());
            conflicts += proxy.stats().transactionConflicts() + proxy.stats().singleItemConflicts();

            Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", contact));
            assertTrue(holders.contains(owner), "the added key is on its profile");
            assertTrue(holders.size() <= 2, "at most one inferred profile besides the owner: " + holders);
            Set<String> phoneHolders = stored.profilesWithKey(DOMAIN,
                    new KeyValue("_phone", Normaliser.normalise(ContentType.PHONE_NUMBER, newPhone)));
            assertEquals(1, phoneHolders.size(), "the record's phone is on exactly one profile: " + phoneHolders);
            assertTrue(holders.containsAll(phoneHolders), "the record went to a profile holding its contact id");
        }
        assertTrue(conflicts > 0, "the racers really collided in some round");
        TableContents.checked(LocalDynamo.client(), table);
    }

    @Test
    void sixteenPutsOfOneContactMakeOneObjectOnOneProfile() throws Exception {
        List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(() -> put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("same-contact", "+1 720 555 0188")), null));
        }
        assertEquals(1, uniqueKeys(race(16, calls)).size());
        assertTrue(proxy.stats().transactionConflicts() + proxy.stats().singleItemConflicts() > 0, "they raced: " + proxy.stats());
        Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "same-contact"));
        assertEquals(1, holders.size());
        assertEquals(holders, stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+17205550188")));
        assertEquals(new TableContents(1, 2, 1), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void aRequestThatNeverGetsThroughIsA429AfterTenAttemptsWithNothingWritten() {
        proxy.rules(Rules.defaults().throttleEvery("TransactWriteItems", 1));

        APIGatewayProxyResponseEvent response = put.handleRequest(
                Events.putProfileObject(DOMAIN, "CTR", ctr("never", "+1 206 555 0123")), TestContext.remaining(15_000));

        assertEquals(429, response.getStatusCode(), response.getBody());
        assertEquals("ThrottlingException", response.getHeaders().get("x-amzn-ErrorType"));
        assertEquals(10, proxy.stats().throttled("TransactWriteItems"), "ten attempts, then the caller is told");
        assertEquals(new TableContents(0, 0, 0), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void retriesStopInTimeForTheRequestToAnswerBeforeItsFunctionTimesOut() {
        // Every transaction takes 300 ms and is then throttled: ten attempts would need over 3 s.
        proxy.rules(Rules.defaults().throttleEvery("TransactWriteItems", 1).latency("TransactWriteItems", 300, 0));
        long started = System.nanoTime();

        APIGatewayProxyResponseEvent response = put.handleRequest(
                Events.putProfileObject(DOMAIN, "CTR", ctr("slow", "+1 206 555 0124")), TestContext.remaining(1_500));

        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        // 429 when the SDK's throttled attempts end before the call's deadline-bounded timeout, 500 when that
        // timeout fires during the SDK's own backoff (which attempt it is depends on the SDK's retry quota and the
        // machine's load): both are retryable answers, in time, with nothing written.
        assertTrue(response.getStatusCode() == 429 || response.getStatusCode() == 500, response.getBody());
        assertTrue(tookMillis < 1_500, "answered in " + tookMillis + " ms, before the function's 1.5 s ran out");
        assertTrue(proxy.stats().throttled("TransactWriteItems") < 10, "fewer attempts than the count allows: time ran out first");
        assertEquals(new TableContents(0, 0, 0), TableContents.checked(LocalDynamo.client(), table));
    }
}

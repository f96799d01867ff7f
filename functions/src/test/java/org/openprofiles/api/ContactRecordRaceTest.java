package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.resolution.ProfileObjectUniqueKeys;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.ProfileStore.StoredObject;
import org.openprofiles.testing.ContactRecords;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;
import org.openprofiles.store.table.DynamoDbClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Consumers on two shards (two containers) writing copies of the same contact records at the same moment, and a
 * throttled table, over DynamoDB as production behaves (transactions on a shared item in flight together are
 * cancelled; 25 ms each).
 */
class ContactRecordRaceTest {
    static final String DOMAIN = "ExampleDomainName";
    static final ExecutorService THREADS = Executors.newFixedThreadPool(2);
    ProductionLikeDynamo proxy;
    String table;
    StoredData stored;

    @BeforeEach
    void setUp() {
        proxy = ProductionLike.proxy(Rules.defaults().conflictWindowMs(25));
        table = LocalDynamo.newTable();
        stored = new StoredData(LocalDynamo.client(), table);
        // The configuration in the table, as deployed: each consumer reads its domain's items within its role's leading keys.
        new DomainAdminService(new ConfigReads(LocalDynamo.client(), table), new ConfigWrites(LocalDynamo.client(), table), Clock.systemUTC(),
                ErasureWorker.GRACE).applyFiles(DomainLoader.classpathFiles(), Deadline.in(Duration.ofSeconds(30)));
    }

    @AfterAll
    static void tearDown() {
        THREADS.shutdownNow();
    }

    /** One consumer: a container of its own (its own store and domain cache) on the shared table. */
    ContactRecordStreamHandler consumer() {
        DynamoDbClient dynamo = ProductionLike.clientAs(FunctionRoles.CONTACT_RECORDS + DOMAIN);
        ProfileStore store = new DynamoProfileStore(dynamo, table, Clock.systemUTC());
        PutProfileObjectService puts = new PutProfileObjectService(new LiveDomains(new ConfigReads(dynamo, table)), store, Clock.systemUTC());
        return new ContactRecordStreamHandler(new ContactRecordService(puts, store, Clock.systemUTC(), DOMAIN,
                ContactRecordService.DEFAULT_OBJECT_TYPE));
    }

    StoredObject object(String contactId) {
        return stored.object(DOMAIN, "CTR", ProfileObjectUniqueKeys.of("CTR", contactId)).orElse(null);
    }

    static String json(Map<String, Object> record) {
        return new String(ContactRecords.bytes(record), StandardCharsets.UTF_8);
    }

    @Test
    void twoConsumersWritingTwoVersionsOfARecordAtOnceLeaveTheNewest() throws Exception {
        ContactRecordStreamHandler one = consumer();
        ContactRecordStreamHandler two = consumer();
        // A known caller (the copies attach, each through a shard of the profile) and new callers (both copies try
        // to create the caller's profile): the newer copy wins whichever commits first.
        assertEquals(List.of(), one.handleRequest(ContactRecords.batch(ContactRecords.bytes(
                ContactRecords.voice("known-caller", "+12065550100", "2026-12-05T09:00:00Z"))), TestContext.remaining(10_000)).getBatchItemFailures());
        for (int round = 0; round < 16; round++) {
            String contactId = "race-" + round;
            String phone = round % 2 == 0 ? "+12065550100" : "+1206555" + (2000 + round % 8);
            Map<String, Object> older = ContactRecords.voice(contactId, phone, "2026-12-05T10:04:12Z");
            Map<String, Object> newer = ContactRecords.voice(contactId, phone, 1_796_465_112_000L); // 10:05:12Z
            newer.put("Attributes", Map.of("reason", "billing", "outcome", "resolved"));
            if (round >= 8) {
                // Two re-sends of a stored record: the contact id is held already, so nothing but the object's own
                // condition stands between the older re-send and the newer one.
                assertEquals(List.of(), one.handleRequest(ContactRecords.batch(ContactRecords.bytes(
                        ContactRecords.voice(contactId, phone, "2026-12-05T10:00:00Z"))), TestContext.remaining(10_000)).getBatchItemFailures());
                older.put("Attributes", Map.of("reason", "billing", "outcome", "transferred"));
            }
            // Which consumer gets which copy alternates, so each order of arrival is tried.
            KinesisEvent first = ContactRecords.batch(ContactRecords.bytes(round % 4 < 2 ? older : newer));
            KinesisEvent second = ContactRecords.batch(ContactRecords.bytes(round % 4 < 2 ? newer : older));

            CountDownLatch start = new CountDownLatch(1);
            List<Future<StreamsEventResponse>> results = new ArrayList<>();
            results.add(THREADS.submit(() -> {
                start.await();
                return one.handleRequest(first, TestContext.remaining(10_000));
            }));
            results.add(THREADS.submit(() -> {
                start.await();
                return two.handleRequest(second, TestContext.remaining(10_000));
            }));
            start.countDown();
            for (Future<StreamsEventResponse> result : results) assertEquals(List.of(), result.get().getBatchItemFailures());

            StoredObject stored = object(contactId);
            assertEquals(json(newer), stored.object(), "round " + round + ": the newest copy stays");
            assertNotNull(stored.profileId());
            assertEquals(java.util.Set.of(stored.profileId()), this.stored.profilesWithKey(DOMAIN, new KeyValue("_phone", phone)),
                    "round " + round + ": one profile for the caller");
        }
        // The known caller's profile, one per new caller; every record on its profile, no key value orphaned.
        assertEquals(new TableContents(5, 5 + 17, 17), TableContents.checked(LocalDynamo.client(), table));
    }

    /**
     * The interleaving the condition on the object's write exists for, made certain: a record is stored; a consumer
     * reads and decides on a newer re-send of it; a still newer re-send is committed by another consumer; then the
     * first commits. Its contact id is held already, so only the object's condition refuses it.
     */
    @Test
    void anOlderCopyDecidedBeforeANewerOneCommittedAndCommittingAfterItWritesNothing() throws Exception {
        consumer().handleRequest(ContactRecords.batch(ContactRecords.bytes(
                ContactRecords.voice("known-caller", "+12065550100", "2026-12-05T09:00:00Z"))), TestContext.remaining(10_000));
        for (String phone : List.of("+12065550100", "+12065550199")) { // a known caller's record; a new caller's
            String contactId = "held-" + phone;
            Map<String, Object> older = ContactRecords.voice(contactId, phone, "2026-12-05T10:04:12Z");
            Map<String, Object> newer = ContactRecords.voice(contactId, phone, "2026-12-05T10:05:12Z");
            newer.put("Attributes", Map.of("outcome", "resolved"));
            consumer().handleRequest(ContactRecords.batch(ContactRecords.bytes(ContactRecords.voice(contactId, phone, "2026-12-05T10:00:00Z"))),
                    TestContext.remaining(10_000));
            CountDownLatch decided = new CountDownLatch(1);
            CountDownLatch newerCommitted = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();
            ExecutionInterceptor holdFirstWrite = new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                    if ((operation.equals("TransactWriteItems") || operation.equals("PutItem")) && held.compareAndSet(false, true)) {
                        decided.countDown();
                        try {
                            if (!newerCommitted.await(10, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("never released");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            DynamoDbClientBuilder builder = DynamoDbClients.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
            builder.overrideConfiguration(builder.overrideConfiguration().toBuilder().addExecutionInterceptor(holdFirstWrite).build());
            try (DynamoDbClient client = builder.build()) {
                ProfileStore store = new DynamoProfileStore(client, table, Clock.systemUTC());
                ContactRecordStreamHandler slow = new ContactRecordStreamHandler(new ContactRecordService(
                        new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()), store, Clock.systemUTC(),
                        DOMAIN, ContactRecordService.DEFAULT_OBJECT_TYPE));
                Future<StreamsEventResponse> late = THREADS.submit(() ->
                        slow.handleRequest(ContactRecords.batch(ContactRecords.bytes(older)), TestContext.remaining(10_000)));
                assertTrue(decided.await(10, java.util.concurrent.TimeUnit.SECONDS), "the older copy reached its commit");
                assertEquals(List.of(), consumer().handleRequest(ContactRecords.batch(ContactRecords.bytes(newer)),
                        TestContext.remaining(10_000)).getBatchItemFailures());
                newerCommitted.countDown();
                assertEquals(List.of(), late.get().getBatchItemFailures(), "refused, and answered as done: never retried");
            }
            assertEquals(json(newer), object(contactId).object(), phone + ": the newer copy stays");
        }
        assertEquals(new TableContents(2, 2 + 3, 3), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void aThrottledRecordIsReportedAndTheRecordsAfterItWaitForTheRetry() {
        ContactRecordStreamHandler consumer = consumer();
        KinesisEvent batch = ContactRecords.batch(
                ContactRecords.bytes(ContactRecords.voice("t-1", "+12065550111", "2026-12-05T10:00:00Z")),
                ContactRecords.bytes(ContactRecords.voice("t-2", "+12065550112", "2026-12-05T10:01:00Z")),
                ContactRecords.bytes(ContactRecords.chat("t-3", "2026-12-05T10:02:00Z")));
        // The table throttles every write from the second on, longer than the invocation has.
        proxy.rules(Rules.defaults().conflictWindowMs(25).throttleFrom("TransactWriteItems", 2));

        StreamsEventResponse response = consumer.handleRequest(batch, TestContext.remaining(3_000));

        assertEquals(List.of(batch.getRecords().get(1).getKinesis().getSequenceNumber()),
                response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList(),
                "the first record not stored is reported: Lambda resumes the shard from it");
        assertNotNull(object("t-1"));
        assertNull(object("t-2"));
        assertNull(object("t-3"), "the records after it wait: their order is kept");

        // Lambda delivers the batch again from the reported record; the table is back.
        proxy.rules(Rules.defaults().conflictWindowMs(25));
        assertEquals(List.of(), consumer.handleRequest(ContactRecords.redelivered(batch, 1), TestContext.remaining(10_000))
                .getBatchItemFailures());
        assertNotNull(object("t-2"));
        assertNotNull(object("t-3"));
        assertEquals(new TableContents(3, 2 + 3, 3), TableContents.checked(LocalDynamo.client(), table));
    }
}

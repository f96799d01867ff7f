package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyValue;
import org.openprofiles.resolution.ProfileObjectUniqueKeys;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfileStore.StoredObject;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.testing.ContactRecords;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TestContext;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Amazon Connect's contact-record stream through the consumer's handler, over DynamoDB Local: realistic PascalCase
 * records of every kind, the three CTR templates, duplicates, re-sends, out-of-order copies and poison records.
 */
class ContactRecordStreamHandlerTest {
    static final String DOMAIN = "ExampleDomainName";
    /** A domain with the other two templates: CTR-NoInferred and CTR-AutoAssociateOnly. */
    static final String CENTRE = "ContactCentre";
    static final String PHONE = "+12065550100";

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    String table;
    ProfileStore store;
    StoredData stored;
    Domains domains;

    @BeforeEach
    void setUp() {
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new AtomicInteger()).incrementAndGet();
            }
        };
        table = LocalDynamo.newTable();
        store = new DynamoProfileStore(LocalDynamo.client(List.of(counter)), table, Clock.systemUTC());
        stored = new StoredData(LocalDynamo.client(), table);
        domains = domains();
    }

    static Domains domains() {
        Map<String, Domain> all = new HashMap<>();
        for (String name : List.of(DOMAIN, "TestDomain")) all.put(name, TestDomains.all().cached(name, org.openprofiles.model.Deadline.in(java.time.Duration.ofSeconds(5))).domain());
        all.put(CENTRE, DomainLoader.parse(CENTRE + ".json", """
                {"DomainName": "ContactCentre", "ObjectTypes": {
                  "CTR": {"Description": "Contact records, phone matching and inferred profiles", "TemplateId": "CTR-NoInferred"},
                  "CtrAssociateOnly": {"Description": "Contact records that never create a profile", "TemplateId": "CTR-AutoAssociateOnly"}}}
                """));
        return Domains.fixed(all);
    }

    ContactRecordStreamHandler handler(String domain, String objectType) {
        PutProfileObjectService puts = new PutProfileObjectService(domains, store, Clock.systemUTC());
        return new ContactRecordStreamHandler(new ContactRecordService(puts, store, Clock.systemUTC(), domain, objectType));
    }

    ContactRecordStreamHandler handler() {
        return handler(DOMAIN, ContactRecordService.DEFAULT_OBJECT_TYPE);
    }

    static List<String> failures(StreamsEventResponse response) {
        return response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    static void assertAllDone(StreamsEventResponse response) {
        assertEquals(List.of(), failures(response));
    }

    StoredObject object(String domain, String type, String contactId) {
        return stored.object(domain, type, ProfileObjectUniqueKeys.of(type, contactId)).orElse(null);
    }

    int writes() {
        int n = 0;
        for (String op : List.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")) {
            AtomicInteger c = calls.get(op);
            n += c == null ? 0 : c.get();
        }
        return n;
    }

    List<Map<String, AttributeValue>> deadLetters(String domain) {
        return LocalDynamo.client().query(r -> r.tableName(table).indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                .keyConditionExpression("#p = :p")
                .expressionAttributeNames(Map.of("#p", ProfilesTable.INDEX_PARTITION_KEY))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(StoreKeys.deadLetters(domain))))).items();
    }

    @Test
    void aVoiceCallIsStoredAsSentOnAnInferredProfileHoldingTheCallersNumber() {
        Map<String, Object> call = ContactRecords.voice("6f1c3a4e-0b1a-4e3f-9d39-5f8b1a0c7e11", PHONE, "2026-12-05T10:04:12Z");

        assertAllDone(handler().handleRequest(ContactRecords.batch(ContactRecords.bytes(call)), TestContext.remaining(10_000)));

        StoredObject object = object(DOMAIN, "CTR", "6f1c3a4e-0b1a-4e3f-9d39-5f8b1a0c7e11");
        assertEquals(new String(ContactRecords.bytes(call), StandardCharsets.UTF_8), object.object(), "the record exactly as streamed");
        assertEquals(PHONE, stored.profile(DOMAIN, object.profileId()).orElseThrow().fields().get("PhoneNumber"));
        assertEquals(java.util.Set.of(object.profileId()), stored.profilesWithKey(DOMAIN, new KeyValue("_phone", PHONE)));
    }

    @Test
    void everyContactOfOneCallerLandsOnOneProfileTransfersChatsAndWithheldNumbersTheirOwn() {
        byte[] first = ContactRecords.bytes(ContactRecords.voice("c-first", PHONE, "2026-12-05T10:04:12Z"));
        byte[] transfer = ContactRecords.bytes(ContactRecords.transfer("c-transfer", "c-first", PHONE, "2026-12-05T10:09:00Z"));
        byte[] later = ContactRecords.bytes(ContactRecords.voice("c-later", "+1 206-555-0100", 1_796_466_000_000L));
        byte[] chat = ContactRecords.bytes(ContactRecords.chat("c-chat", "2026-12-05T11:00:00Z"));
        byte[] withheld = ContactRecords.bytes(ContactRecords.voice("c-withheld", null, "2026-12-05T11:30:00Z"));

        assertAllDone(handler().handleRequest(ContactRecords.batch(first, transfer, later, chat, withheld), TestContext.remaining(10_000)));

        String caller = object(DOMAIN, "CTR", "c-first").profileId();
        assertEquals(caller, object(DOMAIN, "CTR", "c-transfer").profileId(), "the transferred contact: same caller");
        assertEquals(caller, object(DOMAIN, "CTR", "c-later").profileId(), "the number in another format");
        // Without a phone, the default template has nothing but the contact id to match on: a profile of its own.
        String chatProfile = object(DOMAIN, "CTR", "c-chat").profileId();
        String withheldProfile = object(DOMAIN, "CTR", "c-withheld").profileId();
        assertNotNull(chatProfile);
        assertNotNull(withheldProfile);
        assertEquals(3, java.util.Set.of(caller, chatProfile, withheldProfile).size());
    }

    @Test
    void theOtherTemplatesBehaveAsDocumented() {
        ContactRecordStreamHandler noInferred = handler(CENTRE, "CTR");
        ContactRecordStreamHandler associateOnly = handler(CENTRE, "CtrAssociateOnly");
        assertAllDone(noInferred.handleRequest(ContactRecords.batch(
                ContactRecords.bytes(ContactRecords.voice("n-1", PHONE, "2026-12-05T10:04:12Z"))), TestContext.remaining(10_000)));
        String caller = object(CENTRE, "CTR", "n-1").profileId();
        assertNotNull(caller, "CTR-NoInferred creates an inferred profile despite its name");

        assertAllDone(associateOnly.handleRequest(ContactRecords.batch(
                ContactRecords.bytes(ContactRecords.voice("a-known", "206 555 0100", "2026-12-05T12:00:00Z")),
                ContactRecords.bytes(ContactRecords.voice("a-new", "+14155550123", "2026-12-05T12:01:00Z")),
                ContactRecords.bytes(ContactRecords.chat("a-chat", "2026-12-05T12:02:00Z"))), TestContext.remaining(10_000)));
        assertEquals(caller, object(CENTRE, "CtrAssociateOnly", "a-known").profileId(), "matched on the phone");
        assertNull(object(CENTRE, "CtrAssociateOnly", "a-new").profileId(), "kept unattached: never creates a profile");
        assertNull(object(CENTRE, "CtrAssociateOnly", "a-chat").profileId());
        assertEquals(java.util.Set.of(caller), stored.profilesWithKey(CENTRE, new KeyValue("_phone", PHONE)));
    }

    @Test
    void aKnownCallersRecordCostsTwoDynamoDbCallsLikePutProfileObject() {
        ContactRecordStreamHandler handler = handler();
        assertAllDone(handler.handleRequest(ContactRecords.batch(ContactRecords.bytes(ContactRecords.voice("k-1", PHONE, "2026-12-05T10:00:00Z"))),
                TestContext.remaining(10_000)));
        calls.clear();

        assertAllDone(handler.handleRequest(ContactRecords.batch(ContactRecords.bytes(ContactRecords.voice("k-2", PHONE, "2026-12-05T11:00:00Z"))),
                TestContext.remaining(10_000)));

        assertEquals(Map.of("BatchGetItem", 1, "TransactWriteItems", 1),
                calls.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())));
    }

    @Test
    void aRecordDeliveredAgainWritesNothing() {
        KinesisEvent batch = ContactRecords.batch(
                ContactRecords.bytes(ContactRecords.voice("d-1", PHONE, "2026-12-05T10:04:12Z")),
                ContactRecords.bytes(ContactRecords.chat("d-2", "2026-12-05T10:05:00Z")));
        assertAllDone(handler().handleRequest(batch, TestContext.remaining(10_000)));
        String before = object(DOMAIN, "CTR", "d-1").object();
        calls.clear();

        assertAllDone(handler().handleRequest(ContactRecords.redelivered(batch, 0), TestContext.remaining(10_000)));

        assertEquals(0, writes(), "nothing written: " + calls);
        assertEquals(2, calls.get("BatchGetItem").get(), "one read per record: " + calls);
        assertEquals(before, object(DOMAIN, "CTR", "d-1").object());
    }

    @Test
    void aNewerCopyReplacesTheStoredOneAndAnOlderOrEqualOneNeverDoes() {
        Map<String, Object> v1 = ContactRecords.voice("r-1", PHONE, "2026-12-05T10:04:12Z");
        Map<String, Object> v2 = ContactRecords.voice("r-1", PHONE, 1_796_465_112_000L); // 2026-12-05T10:05:12Z, in epoch ms
        v2.put("Attributes", Map.of("reason", "billing", "outcome", "resolved"));
        Map<String, Object> sameAsV2 = ContactRecords.voice("r-1", PHONE, "2026-12-05T10:05:12.000Z");
        sameAsV2.put("Attributes", Map.of("reason", "an equal timestamp is the same record"));
        String v2Json = new String(ContactRecords.bytes(v2), StandardCharsets.UTF_8);
        ContactRecordStreamHandler handler = handler();

        assertAllDone(handler.handleRequest(ContactRecords.batch(ContactRecords.bytes(v1)), TestContext.remaining(10_000)));
        assertAllDone(handler.handleRequest(ContactRecords.batch(ContactRecords.bytes(v2)), TestContext.remaining(10_000)));
        assertEquals(v2Json, object(DOMAIN, "CTR", "r-1").object(), "the re-send with a newer LastUpdateTimestamp replaced it");

        calls.clear();
        assertAllDone(handler.handleRequest(ContactRecords.batch(ContactRecords.bytes(v1), ContactRecords.bytes(sameAsV2)),
                TestContext.remaining(10_000)));
        assertEquals(v2Json, object(DOMAIN, "CTR", "r-1").object(), "older and equal copies arriving later change nothing");
        assertEquals(0, writes(), "nothing written: " + calls);
    }

    @Test
    void theSeedsCamelCaseRecordWithEpochMillisecondsIsOrderedLikeAnyOther() {
        String seed = "{\"contactId\":\"3c2e4f64-0b1a-4e3f-9d39-5f8b1a0c7e11\",\"channel\":\"VOICE\",\"initiationMethod\":\"INBOUND\","
                + "\"customerEndpoint\":{\"address\":\"+12065550100\",\"type\":\"TELEPHONE_NUMBER\"},"
                + "\"lastUpdateTimestamp\":1796465112000}";
        String older = seed.replace("1796465112000", "\"2026-12-05T10:05:11Z\"").replace("INBOUND", "OUTBOUND");
        ContactRecordStreamHandler handler = handler();

        assertAllDone(handler.handleRequest(ContactRecords.batch(seed.getBytes(StandardCharsets.UTF_8), older.getBytes(StandardCharsets.UTF_8)),
                TestContext.remaining(10_000)));

        StoredObject object = object(DOMAIN, "CTR", "3c2e4f64-0b1a-4e3f-9d39-5f8b1a0c7e11");
        assertEquals(seed, object.object());
        assertEquals(PHONE, stored.profile(DOMAIN, object.profileId()).orElseThrow().fields().get("PhoneNumber"));
    }

    @Test
    void recordsThatCanNeverBeStoredAreSetAsideWithTheirContentAndTheReasonAndTheRestGoesOn() {
        byte[] notJson = "ContactId=abc".getBytes(StandardCharsets.UTF_8);
        byte[] noContactId = ContactRecords.bytes(Map.of("Channel", "VOICE", "LastUpdateTimestamp", "2026-12-05T10:00:00Z"));
        Map<String, Object> big = ContactRecords.voice("p-big", PHONE, "2026-12-05T10:00:00Z");
        big.put("Attributes", Map.of("transcript", "x".repeat(256_000)));
        byte[] tooLarge = ContactRecords.bytes(big);
        byte[] badTimestamp = ContactRecords.bytes(ContactRecords.voice("p-time", PHONE, "yesterday"));
        byte[] invalid = ContactRecords.bytes(ContactRecords.voice("p".repeat(256), PHONE, "2026-12-05T10:00:00Z"));
        byte[] good = ContactRecords.bytes(ContactRecords.voice("p-good", PHONE, "2026-12-05T10:00:00Z"));
        KinesisEvent batch = ContactRecords.batch(notJson, noContactId, tooLarge, badTimestamp, invalid, good);

        PrintStream original = System.out;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        StreamsEventResponse response;
        try {
            response = handler().handleRequest(batch, TestContext.remaining(10_000));
        } finally {
            System.setOut(original);
        }

        assertAllDone(response);
        assertNotNull(object(DOMAIN, "CTR", "p-good"), "the good record after them is stored");
        List<Map<String, AttributeValue>> letters = deadLetters(DOMAIN);
        Map<String, String> problems = new HashMap<>();
        for (Map<String, AttributeValue> letter : letters) problems.put(letter.get("recordId").s(), letter.get("problem").s());
        List<KinesisEvent.KinesisEventRecord> records = batch.getRecords();
        assertEquals(Map.of(
                ContactRecordStreamHandler.recordId(records.get(0)), "NOT_JSON",
                ContactRecordStreamHandler.recordId(records.get(1)), "NO_CONTACT_ID",
                ContactRecordStreamHandler.recordId(records.get(2)), "TOO_LARGE",
                ContactRecordStreamHandler.recordId(records.get(3)), "BAD_TIMESTAMP",
                ContactRecordStreamHandler.recordId(records.get(4)), "INVALID"), problems);
        for (Map<String, AttributeValue> letter : letters) {
            int i = records.indexOf(records.stream().filter(r -> ContactRecordStreamHandler.recordId(r).equals(letter.get("recordId").s()))
                    .findFirst().orElseThrow());
            byte[] sent = List.of(notJson, noContactId, tooLarge, badTimestamp, invalid).get(i);
            assertArrayEquals(sent, letter.get("data").b().asByteArray(), "the content, to replay");
            assertFalse(letter.get("truncated").bool());
            assertEquals("CTR", letter.get("objectTypeName").s());
            assertFalse(letter.get("reason").s().isBlank());
        }
        assertTrue(problems.size() == 5 && deadLetters(DOMAIN).get(3).get("reason").s().contains("LastUpdateTimestamp"),
                "the reason names the field: " + deadLetters(DOMAIN).get(3).get("reason").s());
        String lines = log.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("\"ContactRecordsSetAside\":5") && lines.contains("\"ContactRecordsStored\":1"), lines);
        assertFalse(lines.contains(PHONE) || lines.contains("p-good") || lines.contains("ContactId=abc"), "no customer data in the log: " + lines);

        // Delivered again (a replay): the same five items, nothing else.
        assertAllDone(handler().handleRequest(ContactRecords.redelivered(batch, 0), TestContext.remaining(10_000)));
        assertEquals(5, deadLetters(DOMAIN).size());
    }

    /** events/streams/: Kinesis events for {@code sam local invoke}, replayed here (their name says what they hold). */
    @Test
    void theSampleStreamEventIsAVoiceCallItsTransferADuplicateAndAPoisonRecord() throws Exception {
        KinesisEvent event = ContactRecords.fromJson(java.nio.file.Files.readString(
                java.nio.file.Path.of("..", "events", "streams", "contact-record-stream-voice-transfer-duplicate-poison.json")));
        PrintStream original = System.out;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            assertAllDone(handler().handleRequest(event, TestContext.remaining(10_000)));
        } finally {
            System.setOut(original);
        }
        String lines = log.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("\"ContactRecordsStored\":2,\"ContactRecordsUnchanged\":1,\"ContactRecordsSetAside\":1"), lines);
        String caller = object(DOMAIN, "CTR", "5d6c4f2a-1b2c-4d3e-8f90-a1b2c3d4e5f6").profileId();
        assertEquals(caller, object(DOMAIN, "CTR", "7e8f9a0b-2c3d-4e5f-9a0b-c1d2e3f4a5b6").profileId());
        assertEquals("NOT_JSON", deadLetters(DOMAIN).get(0).get("problem").s());
    }

    @Test
    void anUnknownDomainOrTypeSetsRecordsAsideUntilItExistsAndAHugeRecordKeepsItsFirstBytes() {
        byte[] call = ContactRecords.bytes(ContactRecords.voice("u-1", PHONE, "2026-12-05T10:00:00Z"));
        assertAllDone(handler("NoSuchDomain", "CTR").handleRequest(ContactRecords.batch(call), TestContext.remaining(10_000)));
        assertAllDone(handler(DOMAIN, "NoSuchType").handleRequest(ContactRecords.batch(call), TestContext.remaining(10_000)));
        byte[] huge = new byte[1_000_000];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertAllDone(handler().handleRequest(ContactRecords.batch(huge), TestContext.remaining(10_000)));

        assertEquals("UNKNOWN_DOMAIN_OR_TYPE", deadLetters("NoSuchDomain").get(0).get("problem").s());
        List<Map<String, AttributeValue>> example = deadLetters(DOMAIN);
        assertEquals(2, example.size());
        Map<String, AttributeValue> unknownType = example.stream().filter(l -> l.get("objectTypeName").s().equals("NoSuchType")).findFirst().orElseThrow();
        assertEquals("UNKNOWN_DOMAIN_OR_TYPE", unknownType.get("problem").s());
        assertArrayEquals(call, unknownType.get("data").b().asByteArray());
        Map<String, AttributeValue> cut = example.stream().filter(l -> l.get("problem").s().equals("TOO_LARGE")).findFirst().orElseThrow();
        assertTrue(cut.get("truncated").bool());
        assertEquals("1000000", cut.get("size").n());
        assertEquals(300_000, cut.get("data").b().asByteArray().length);
    }
}

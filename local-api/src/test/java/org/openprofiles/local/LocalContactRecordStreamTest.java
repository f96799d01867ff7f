package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.kinesis.KinesisEventSource;
import org.openprofiles.kinesis.LocalKinesis;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.prodlike.Stats;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.resolution.ProfileObjectUniqueKeys;
import org.openprofiles.model.KeyValue;
import org.openprofiles.testing.ContactRecords;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;

/**
 * Contact records written to the local Kinesis stream with the SDK's Kinesis client, read by the local API's event
 * source into the deployed consumer's handler, and read back through the API: every record on its caller's profile,
 * once, the newest copy winning over duplicates, re-sends, reordering across shards, a restart of the reader, and
 * DynamoDB's throttles, conflicts and lost responses.
 */
class LocalContactRecordStreamTest {
    static final String DOMAIN = LocalApi.DEFAULT_CONTACT_RECORDS_DOMAIN;
    /** Explicit hash keys that put a record on the first or the second of two shards. */
    static final String FIRST_SHARD = "0";
    static final String SECOND_SHARD = "340282366920938463463374607431768211455";
    static final Duration IN_TIME = Duration.ofSeconds(30);

    static LocalKinesis kinesis;
    static ProductionLikeDynamo proxy;
    static DynamoDbClient dynamo;
    static LocalApi api;
    static int streams;

    KinesisEventSource source;

    @BeforeAll
    static void start() throws Exception {
        kinesis = LocalKinesis.startEmulator();
        java.net.URI upstream = LocalApi.startDynamoDbLocalServer();
        proxy = ProductionLikeDynamo.start(upstream, 0, Rules.defaults());
        dynamo = LocalApi.productionClient(proxy.endpoint());
        api = LocalApi.start(0, new LocalApi.Backends(dynamo, LocalApi.streamsClient(upstream), kinesis.client()), "openprofiles");
    }

    @AfterAll
    static void stop() {
        api.close();
        proxy.close();
        kinesis.close();
    }

    @AfterEach
    void quiet() {
        proxy.rules(Rules.defaults());
    }

    /** A new two-shard stream read into the example domain's CTR type, as the local run does. */
    KinesisEventSource newStream() {
        return newStream("contact-records-" + ++streams);
    }

    KinesisEventSource newStream(String name) {
        String arn = kinesis.createStream(name, 2);
        source = api.readContactRecords(kinesis.client(), arn, DOMAIN, "CTR");
        return source;
    }

    static String streamName(KinesisEventSource source) {
        return source.streamArn().substring(source.streamArn().lastIndexOf('/') + 1);
    }

    /** What Connect does: one record per contact copy, the contact id as partition key (or a chosen shard). */
    static PutRecordResponse write(KinesisEventSource source, byte[] record, String explicitHashKey) {
        return kinesis.client().putRecord(r -> r.streamName(streamName(source)).partitionKey("contact")
                .explicitHashKey(explicitHashKey).data(SdkBytes.fromByteArray(record)));
    }

    static void awaitRead(KinesisEventSource source, List<PutRecordResponse> written) throws InterruptedException {
        assertTrue(read(source, written, IN_TIME), "the readers reached every record written");
    }

    /** Whether the readers got past every record written within the time given. */
    static boolean read(KinesisEventSource source, List<PutRecordResponse> written, Duration timeout) throws InterruptedException {
        Map<String, String> last = new HashMap<>();
        for (PutRecordResponse put : written) last.merge(put.shardId(), put.sequenceNumber(),
                (a, b) -> new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b)) >= 0 ? a : b);
        for (Map.Entry<String, String> shard : last.entrySet()) {
            if (!source.awaitCheckpoint(shard.getKey(), shard.getValue(), timeout)) return false;
        }
        return true;
    }

    static String json(byte[] record) {
        return new String(record, StandardCharsets.UTF_8);
    }

    /** Through the API: the profiles holding a key value. */
    @SuppressWarnings("unchecked")
    static List<String> profilesWith(String keyName, String value) throws Exception {
        HttpResponse<String> found = LocalErasureTest.call(api, "POST", "/domains/" + DOMAIN + "/profiles/search",
                Json.write(Map.of("KeyName", keyName, "Values", List.of(value))));
        assertEquals(200, found.statusCode(), found.body());
        List<String> ids = new ArrayList<>();
        for (Object item : (List<Object>) ((Map<String, Object>) Json.parse(found.body())).get("Items")) {
            ids.add((String) ((Map<String, Object>) item).get("ProfileId"));
        }
        return ids;
    }

    /** Through the API: a profile's contact records, contact id to the record as stored. */
    @SuppressWarnings("unchecked")
    static Map<String, String> contactRecordsOf(String profileId) throws Exception {
        HttpResponse<String> listed = LocalErasureTest.call(api, "POST", "/domains/" + DOMAIN + "/profiles/objects?max-results=100",
                Json.write(Map.of("ObjectTypeName", "CTR", "ProfileId", profileId)));
        assertEquals(200, listed.statusCode(), listed.body());
        Map<String, String> records = new TreeMap<>();
        for (Object item : (List<Object>) ((Map<String, Object>) Json.parse(listed.body())).get("Items")) {
            String object = (String) ((Map<String, Object>) item).get("Object");
            Map<String, Object> record = (Map<String, Object>) Json.parse(object);
            Object id = record.containsKey("ContactId") ? record.get("ContactId") : record.get("contactId");
            assertEquals(null, records.put((String) id, object), "one object per contact");
        }
        return records;
    }

    /** The one profile a contact's record is on, and that record as stored. */
    static String storedRecord(String contactId) throws Exception {
        List<String> holders = profilesWith("_ctrContactId", contactId);
        assertEquals(1, holders.size(), "one profile holds contact " + contactId);
        return contactRecordsOf(holders.get(0)).get(contactId);
    }

    static List<Map<String, AttributeValue>> deadLetters() {
        return dynamo.query(r -> r.tableName("openprofiles").indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                .keyConditionExpression("#p = :p")
                .expressionAttributeNames(Map.of("#p", ProfilesTable.INDEX_PARTITION_KEY))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(StoreKeys.deadLetters(DOMAIN))))).items();
    }

    /** Every item of the table, for before/after comparisons (the proxy's rules are off while it reads). */
    static Map<String, Map<String, AttributeValue>> table() {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        dynamo.scanPaginator(r -> r.tableName("openprofiles").consistentRead(true)).items()
                .forEach(item -> items.put(item.get(ProfilesTable.PARTITION_KEY).s(), item));
        return items;
    }

    /** The README's local-stream quick start, word for word but for the ports (and AWS CLI v1's blob format). */
    @Test
    @SuppressWarnings("unchecked")
    void theReadmesStreamQuickStartPutsACallOnItsCallersProfile() throws Exception {
        KinesisEventSource stream = newStream(LocalApi.DEFAULT_CONTACT_RECORDS_STREAM);
        String readme = Files.readString(Path.of("..", "README.md"));
        String block = readme.split("<!-- quick-start-stream -->")[1].split("```bash")[1].split("```")[0];
        List<String> commands = new ArrayList<>();
        for (String line : block.replace("\\\n", " ").split("\n")) {
            if (!line.isBlank() && !line.startsWith("export ")) commands.add(line.strip());
        }
        assertEquals(2, commands.size(), commands.toString());
        boolean cliV1 = run("aws --version").contains("aws-cli/1.");
        String put = commands.get(0).replace("http://127.0.0.1:4567", kinesis.endpoint().toString());
        if (cliV1) put = put.replace(" --cli-binary-format raw-in-base64-out", ""); // v1 sends a blob as given

        Map<String, Object> written = (Map<String, Object>) Json.parse(run(put));
        assertTrue(stream.awaitCheckpoint((String) written.get("ShardId"), (String) written.get("SequenceNumber"), IN_TIME));
        Map<String, Object> found = (Map<String, Object>) Json.parse(run(commands.get(1).replace("http://127.0.0.1:3000", "http://127.0.0.1:" + api.port())));

        List<Object> items = (List<Object>) found.get("Items");
        assertEquals(1, items.size(), found.toString());
        assertEquals("+12065550123", ((Map<String, Object>) items.get(0)).get("PhoneNumber"));
        assertNotNull(storedRecord("8d2f0c1e"));
    }

    /** A command line through bash, with the README's credentials; its output, after checking it succeeded. */
    static String run(String command) throws Exception {
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        bash.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local",
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_MAX_ATTEMPTS", "1"));
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), command);
        assertEquals(0, process.exitValue(), command + "\n" + output);
        return output;
    }

    @Test
    void contactRecordsOfEveryChannelLandOnTheirCallersProfilesAsStreamed() throws Exception {
        KinesisEventSource stream = newStream();
        String phone = "+12065550142";
        byte[] call = ContactRecords.bytes(ContactRecords.voice("s1-call", phone, "2026-12-05T10:04:12Z"));
        byte[] transfer = ContactRecords.bytes(ContactRecords.transfer("s1-transfer", "s1-call", phone, "2026-12-05T10:09:00Z"));
        byte[] laterCall = ContactRecords.bytes(ContactRecords.voice("s1-later", "+1 206-555-0142", 1_796_466_000_000L));
        byte[] chat = ContactRecords.bytes(ContactRecords.chat("s1-chat", "2026-12-05T11:00:00Z"));
        byte[] withheld = ContactRecords.bytes(ContactRecords.voice("s1-withheld", null, "2026-12-05T11:30:00Z"));
        Map<String, Object> task = ContactRecords.chat("s1-task", "2026-12-05T12:00:00Z");
        task.put("Channel", "TASK");
        Map<String, Object> email = ContactRecords.chat("s1-email", "2026-12-05T12:30:00Z");
        email.put("Channel", "EMAIL");
        // The seed's own example: camelCase, epoch milliseconds.
        byte[] seed = ("{\"contactId\":\"s1-seed\",\"lastUpdateTimestamp\":1796466000000,"
                + "\"customerEndpoint\":{\"address\":\"+1 206-555-0100\",\"type\":\"TELEPHONE_NUMBER\"}}").getBytes(StandardCharsets.UTF_8);
        List<byte[]> records = List.of(call, transfer, laterCall, chat, withheld, ContactRecords.bytes(task), ContactRecords.bytes(email), seed);
        List<PutRecordResponse> written = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) written.add(write(stream, records.get(i), i % 2 == 0 ? FIRST_SHARD : SECOND_SHARD));

        awaitRead(stream, written);

        List<String> callers = profilesWith("_phone", phone);
        assertEquals(1, callers.size(), "the caller's calls, the transfer and the number in another format: one profile");
        assertEquals(Map.of("s1-call", json(call), "s1-transfer", json(transfer), "s1-later", json(laterCall)),
                contactRecordsOf(callers.get(0)), "each record exactly as streamed, once");
        Set<String> ownProfiles = new HashSet<>();
        for (String contact : List.of("s1-chat", "s1-withheld", "s1-task", "s1-email", "s1-seed")) {
            assertNotNull(storedRecord(contact), contact);
            ownProfiles.add(profilesWith("_ctrContactId", contact).get(0));
        }
        assertEquals(5, ownProfiles.size(), "no phone to match on (or another caller): profiles of their own");
        assertTrue(!ownProfiles.contains(callers.get(0)));
        assertEquals(0, stream.stats().retries());
    }

    @Test
    void duplicatesResendsAndOlderCopiesOnEitherShardLeaveTheNewestOnceAndARestartedReaderChangesNothing() throws Exception {
        KinesisEventSource stream = newStream();
        String phone = "+12065550143";
        byte[] first = ContactRecords.bytes(ContactRecords.voice("s2-c", phone, "2026-12-05T10:00:00Z"));
        Map<String, Object> attributesAdded = ContactRecords.voice("s2-c", phone, "2026-12-05T10:05:00Z");
        attributesAdded.put("Attributes", Map.of("reason", "refund"));
        Map<String, Object> newest = ContactRecords.voice("s2-c", phone, "2026-12-05T10:10:00Z");
        newest.put("Attributes", Map.of("reason", "refund", "outcome", "resolved"));
        byte[] second = ContactRecords.bytes(attributesAdded);
        byte[] third = ContactRecords.bytes(newest);
        // Copies of one contact on two shards (each with its reader), in an order that puts older copies after newer
        // ones on both shards, and every copy at least twice. Two consumers writing one contact at the same moment, with
        // the overlap shown at the wire, is ContactRecordRaceTest's.
        List<PutRecordResponse> written = new ArrayList<>();
        written.add(write(stream, first, FIRST_SHARD));
        written.add(write(stream, third, SECOND_SHARD));
        written.add(write(stream, second, FIRST_SHARD));
        written.add(write(stream, first, SECOND_SHARD));
        written.add(write(stream, third, FIRST_SHARD));
        written.add(write(stream, second, SECOND_SHARD));
        written.add(write(stream, first, FIRST_SHARD));
        assertEquals(2, written.stream().map(PutRecordResponse::shardId).distinct().count(), "both shards");

        awaitRead(stream, written);
        assertEquals(json(third), storedRecord("s2-c"), "the newest copy, whatever order the shards were read in");

        // The local reader starts from the stream's oldest record: a restart delivers everything again.
        Map<String, Map<String, AttributeValue>> before = table();
        KinesisEventSource restarted = api.readContactRecords(kinesis.client(), stream.streamArn(), DOMAIN, "CTR");
        awaitRead(restarted, written);
        assertEquals(before, table(), "a replay of the stream changes no item");

        // A re-send with newer information replaces it.
        Map<String, Object> corrected = ContactRecords.voice("s2-c", phone, "2026-12-05T10:20:00Z");
        corrected.put("Attributes", Map.of("reason", "refund", "outcome", "escalated"));
        byte[] fourth = ContactRecords.bytes(corrected);
        awaitRead(stream, List.of(write(stream, fourth, SECOND_SHARD)));
        assertEquals(json(fourth), storedRecord("s2-c"));
        assertEquals(1, profilesWith("_phone", phone).size());
    }

    @Test
    void poisonRecordsAreSetAsideWithTheirContentAndTheShardGoesOn() throws Exception {
        KinesisEventSource stream = newStream();
        int lettersBefore = deadLetters().size();
        byte[] notJson = "ContactId=s3-broken".getBytes(StandardCharsets.UTF_8);
        byte[] noContactId = "{\"Channel\":\"VOICE\",\"LastUpdateTimestamp\":\"2026-12-05T10:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
        byte[] good = ContactRecords.bytes(ContactRecords.voice("s3-good", "+12065550144", "2026-12-05T10:00:00Z"));
        List<PutRecordResponse> written = List.of(write(stream, notJson, FIRST_SHARD), write(stream, noContactId, FIRST_SHARD),
                write(stream, good, FIRST_SHARD));

        awaitRead(stream, written);

        assertEquals(json(good), storedRecord("s3-good"), "the record after the poison ones is stored");
        List<Map<String, AttributeValue>> letters = deadLetters();
        assertEquals(lettersBefore + 2, letters.size());
        Map<String, String> problems = new HashMap<>();
        for (Map<String, AttributeValue> letter : letters) {
            if (letter.get("recordId").s().startsWith(streamName(stream) + "/")) {
                problems.put(letter.get("problem").s(), letter.get("data").b().asUtf8String());
            }
        }
        assertEquals(Map.of("NOT_JSON", json(notJson), "NO_CONTACT_ID", json(noContactId)), problems,
                "each set aside with its reason and its content, named by stream, shard and sequence number");
        assertEquals(0, stream.stats().retries(), "poison never retried");
    }

    @Test
    void underThrottlesConflictsAndLostResponsesEveryContactEndsOnceWithItsNewestCopy() throws Exception {
        KinesisEventSource stream = newStream();
        // First a table that, after a few writes, throttles every write for good (past the SDK's own retries), with
        // lost responses and throttled reads before that; then one that throttles and loses some.
        proxy.rules(Rules.defaults()
                .throttleFrom("TransactWriteItems", 8)
                .loseResponseEvery("TransactWriteItems", 3)
                .throttleEvery("BatchGetItem", 11));
        proxy.resetStats();
        Random random = new Random(16);
        int contacts = 12;
        List<byte[]> copies = new ArrayList<>();
        Map<String, String> newest = new HashMap<>();
        for (int c = 0; c < contacts; c++) {
            String contact = "s4-" + c;
            String phone = "+1206555" + (1000 + c % 4); // four callers, three contacts each
            for (int version = 0; version < 3; version++) {
                Map<String, Object> record = ContactRecords.voice(contact, phone, "2026-12-05T1" + version + ":00:00Z");
                record.put("Attributes", Map.of("version", Integer.toString(version)));
                byte[] bytes = ContactRecords.bytes(record);
                copies.add(bytes);
                if (random.nextBoolean()) copies.add(bytes); // at least once: some copies twice
                if (version == 2) newest.put(contact, json(bytes));
            }
        }
        Collections.shuffle(copies, random);
        List<PutRecordResponse> written = new ArrayList<>();
        for (byte[] copy : copies) written.add(write(stream, copy, random.nextBoolean() ? FIRST_SHARD : SECOND_SHARD));

        assertTrue(!read(stream, written, Duration.ofSeconds(3)),
                "while every write is throttled, the shard does not move past the records it could not store");
        assertTrue(stream.stats().retries() > 0, "the batch is delivered again: " + stream.stats());
        proxy.rules(Rules.defaults()
                .throttleEvery("TransactWriteItems", 5)
                .loseResponseEvery("TransactWriteItems", 3)
                .throttleEvery("BatchGetItem", 11));

        awaitRead(stream, written);
        Stats faults = proxy.stats();
        proxy.rules(Rules.defaults());

        assertTrue(faults.throttles() > 0 && faults.responsesDropped() > 0, "faults really met the writes: " + faults);
        assertEquals(0, stream.stats().skippedBatches(), "nothing given up on");
        for (Map.Entry<String, String> contact : newest.entrySet()) {
            assertEquals(contact.getValue(), storedRecord(contact.getKey()), contact.getKey() + ": its newest copy");
        }
        for (int caller = 0; caller < 4; caller++) {
            List<String> profiles = profilesWith("_phone", "+1206555" + (1000 + caller));
            assertEquals(1, profiles.size(), "one profile per caller");
            assertEquals(3, contactRecordsOf(profiles.get(0)).size(), "its three contacts, once each");
        }
        // And in the table: each contact's object and its contact id's key item (its one holder is checked above).
        Set<String> items = table().keySet();
        for (String contact : newest.keySet()) {
            String object = StoreKeys.object(DOMAIN, "CTR", ProfileObjectUniqueKeys.of("CTR", contact));
            String key = StoreKeys.keyValue(DOMAIN, new KeyValue("_ctrContactId", contact));
            assertTrue(items.contains(object), contact + "'s object");
            assertTrue(items.contains(key), contact + "'s contact id");
        }
    }
}

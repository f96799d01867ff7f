package org.openprofiles.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openprofiles.api.AdminHandler;
import org.openprofiles.api.EventExportHandler;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.Node;
import org.openprofiles.testing.TestKinesis;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The exporter over DynamoDB Local (the domains' event streams, the profiles) writing to kinesalite through a proxy
 * that throttles at the wire: the SDK's retries and the exporter's rounds run, order per profile holds, nothing is
 * dropped; a Kinesis that keeps refusing leaves the batch for Lambda's retry, within bounded time.
 */
class ExporterTest {
    static final String DOMAIN = "Export";
    final String table = LocalDynamo.newTable();
    final Node node = new Node(table);

    /** The exporter function: over the production-like DynamoDB in its own IAM role's rights, writing through {@code kinesis}. */
    Exporter exporter(KinesisClient kinesis) {
        ProductionLike.proxy(Rules.none());
        DynamoDbClient dynamo = ProductionLike.clientAs(FunctionRoles.EVENT_EXPORT);
        return new Exporter(new ConfigReads(dynamo, table), new DynamoProfileStore(dynamo, table, Clock.systemUTC()),
                new KinesisEventSink(kinesis));
    }

    static String id(int n) {
        return String.format("%032x", n + 1);
    }

    /** Three object changes for each of {@code profiles} existing profiles, interleaved as a shard's batch would be. */
    List<Change> changes(String domain, int profiles) {
        for (int p = 0; p < profiles; p++) {
            node.store.createProfile(domain, id(p), Map.of("FirstName", "P" + p), new org.openprofiles.store.ProfileStore.Audit(null, 30), Deadline.in(Duration.ofSeconds(5)));
        }
        List<Change> changes = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            for (int p = 0; p < profiles; p++) {
                String key = "k" + p;
                ObjectItem item = new ObjectItem("D#" + domain + "#O#CTR#" + key, "CTR", key, id(p), "{\"step\":" + step + "}", Set.of(),
                        Set.of(), 1, null, null, null, null, null);
                changes.add(Change.object(Integer.toString(1000 + changes.size()), "record-" + changes.size(), Instant.now(), domain,
                        step == 0 ? null : item, item));
            }
        }
        return changes;
    }

    String streamFor(String domain) {
        String stream = TestKinesis.newStream(2);
        assertEquals(200, node.createDomain(domain).getStatusCode());
        Map<String, String> parameters = Map.of("DomainName", domain, "EventStreamName", "out");
        var created = node.admin.handleRequest(org.openprofiles.testing.Events.request("POST", AdminHandler.EVENT_STREAM, domain,
                Json.write(Map.of("Uri", stream))).withPathParameters(parameters), null);
        assertEquals(200, created.getStatusCode(), created.getBody());
        return stream;
    }

    static KinesisClient through(ThrottlingKinesis proxy) {
        TestKinesis.get(); // the JVM's clients speak JSON to kinesalite
        return KinesisClients.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    @Test
    void throttledRecordsAreWrittenAgainInOrderPerProfileAndNothingIsDropped() throws Exception {
        String stream = streamFor(DOMAIN);
        List<Change> changes = changes(DOMAIN, 5);
        try (ThrottlingKinesis proxy = new ThrottlingKinesis(TestKinesis.get().endpoint(), 3, 3, 1)) {
            Exporter exporter = exporter(through(proxy));
            Exporter.Result result = exporter.export(changes, Deadline.in(Duration.ofSeconds(30)));
            assertNull(result.firstUndelivered(), result.toString());
            assertEquals(15, result.exported());
            assertEquals(1, proxy.refusedCalls.get(), "the SDK retried the call Kinesis refused as a whole");
            assertTrue(proxy.refusedEntries.get() > 0 && result.refused() == proxy.refusedEntries.get(), result + " " + proxy.refusedEntries);
        }
        List<Map<String, Object>> events = TestKinesis.readAll(stream);
        assertEquals(15, events.size(), "each change once: " + events);
        for (int p = 0; p < 5; p++) {
            String profile = id(p);
            List<Object> steps = events.stream().filter(e -> profile.equals(e.get("AssociatedProfileId")))
                    .map(e -> (Object) ((Map<?, ?>) e.get("Object")).get("step")).toList();
            assertEquals(List.of(new Json.JsonNumber("0"), new Json.JsonNumber("1"), new Json.JsonNumber("2")), steps,
                    "profile " + p + "'s events in order despite the refusals");
        }
    }

    @Test
    void aKinesisThatKeepsRefusingLeavesTheBatchForLambdasRetryWithinBoundedTime() throws Exception {
        String stream = streamFor("Refused");
        List<Change> changes = changes("Refused", 2);
        try (ThrottlingKinesis proxy = new ThrottlingKinesis(TestKinesis.get().endpoint(), 1, Integer.MAX_VALUE, 0)) {
            Exporter exporter = exporter(through(proxy));
            long started = System.nanoTime();
            Exporter.Result result = exporter.export(changes, Deadline.in(Duration.ofSeconds(20)));
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "bounded attempts, not the whole deadline");
            assertEquals(changes.get(0).sequenceNumber(), result.firstUndelivered(), "delivered again from the first change");
            assertEquals(6, result.undelivered());
            assertEquals("ProvisionedThroughputExceededException", result.lastError());

            // Through the handler: the batch item failure Lambda resumes the shard from, and nothing on the stream yet.
            EventExportHandler handler = new EventExportHandler(exporter);
            StreamsEventResponse response = handler.handleRequest(event("Refused", "2000"), null);
            assertEquals(List.of("2000"), response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList());
            assertEquals(List.of(), TestKinesis.readAll(stream));

            // Kinesis recovers: the redelivered batch is written, with the EventIds the first attempt had.
            proxy.refuseEvery = 0;
            assertEquals(List.of(), handler.handleRequest(event("Refused", "2000"), null).getBatchItemFailures());
            Exporter.Result retried = exporter.export(changes, Deadline.in(Duration.ofSeconds(20)));
            assertNull(retried.firstUndelivered());
        }
        List<Map<String, Object>> events = TestKinesis.readAll(stream);
        assertEquals(7, events.size(), "the handler's profile event and the six object events");
        assertEquals(ChangeEvents.eventId(changes.get(0)), events.stream().filter(e -> "CTR".equals(e.get("ObjectTypeName"))
                && Json.write(e.get("Object")).equals("{\"step\":0}") && id(0).equals(e.get("AssociatedProfileId"))).findFirst().orElseThrow().get("EventId"));
    }

    /** A change-stream event as Lambda delivers it: one profile inserted in {@code domain}. */
    static DynamodbEvent event(String domain, String sequenceNumber) {
        Map<String, AttributeValue> image = new LinkedHashMap<>();
        image.put("pk", new AttributeValue().withS("D#" + domain + "#P#" + id(0)));
        image.put("profileId", new AttributeValue().withS(id(0)));
        image.put("fields", new AttributeValue().withM(Map.of("FirstName", new AttributeValue().withS("P0"))));
        image.put("version", new AttributeValue().withN("1"));
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID("event-" + sequenceNumber);
        record.setEventName("INSERT");
        record.setDynamodb(new StreamRecord().withKeys(Map.of("pk", image.get("pk"))).withNewImage(image).withSequenceNumber(sequenceNumber)
                .withApproximateCreationDateTime(new Date()));
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(record));
        return event;
    }

    /** The change stream lists a transaction's items in no set order: a profile's creation is written before its object's. */
    @Test
    void aProfilesCreationGoesAheadOfItsOtherEventsInTheBatch() {
        List<Exporter.Pending> batch = List.of(
                pending(0, "p1", ChangeEvents.Type.CREATED, "CTR"),
                pending(1, "p2", ChangeEvents.Type.UPDATED, "CTR"),
                pending(2, "p1", ChangeEvents.Type.CREATED, ChangeEvents.PROFILE_TYPE),
                pending(3, "p1", ChangeEvents.Type.UPDATED, ChangeEvents.PROFILE_TYPE));
        assertEquals(List.of(2, 0, 1, 3), Exporter.profilesCreatedFirst(batch).stream().map(Exporter.Pending::index).toList(),
                "p1's creation first; each change's index kept for the retry's resume point");
    }

    static Exporter.Pending pending(int index, String profileId, ChangeEvents.Type type, String objectTypeName) {
        return new Exporter.Pending(index, "stream", new ExportEvent("e" + index, DOMAIN, profileId, profileId, type,
                Map.of("ObjectTypeName", objectTypeName)), null);
    }
}

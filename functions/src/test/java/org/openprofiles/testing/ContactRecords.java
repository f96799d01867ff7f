package org.openprofiles.testing;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.openprofiles.json.Json;

/**
 * Amazon Connect contact records as its data stream sends them (PascalCase, the contact records data model), and
 * Kinesis batches of them as Lambda's event source mapping delivers them.
 */
public final class ContactRecords {
    public static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-contact-records";
    private static final AtomicLong SEQUENCE = new AtomicLong(49_650_000_000_000_000L);
    private static final String INSTANCE = "arn:aws:connect:us-east-1:123456789012:instance/0e1b7f4c-7a59-4a4b-9c55-5f0f1a2b3c4d";

    private ContactRecords() {}

    /** An inbound voice call from {@code phone} (null: a withheld number), last updated at {@code lastUpdate}. */
    public static Map<String, Object> voice(String contactId, String phone, Object lastUpdate) {
        Map<String, Object> r = base(contactId, "VOICE", "INBOUND", lastUpdate);
        r.put("CustomerEndpoint", phone == null ? Json.NULL : endpoint(phone));
        r.put("SystemEndpoint", endpoint("+18005550199"));
        r.put("Agent", agent("jdoe"));
        r.put("Queue", queue("BasicQueue"));
        r.put("Recording", Map.of("Location", "connect-recordings/2026/12/05/" + contactId + ".wav", "Status", "AVAILABLE",
                "Type", "AUDIO"));
        return r;
    }

    /** A chat: no phone, no system endpoint. */
    public static Map<String, Object> chat(String contactId, Object lastUpdate) {
        Map<String, Object> r = base(contactId, "CHAT", "API", lastUpdate);
        r.put("CustomerEndpoint", Json.NULL);
        r.put("SystemEndpoint", Json.NULL);
        r.put("Agent", agent("asmith"));
        r.put("Queue", queue("ChatQueue"));
        return r;
    }

    /** The contact a transfer created: same caller, {@code PreviousContactId} names the contact it came from. */
    public static Map<String, Object> transfer(String contactId, String previousContactId, String phone, Object lastUpdate) {
        Map<String, Object> r = voice(contactId, phone, lastUpdate);
        r.put("InitiationMethod", "TRANSFER");
        r.put("PreviousContactId", previousContactId);
        r.put("Queue", queue("BillingQueue"));
        return r;
    }

    private static Map<String, Object> base(String contactId, String channel, String initiation, Object lastUpdate) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("AWSAccountId", "123456789012");
        r.put("AWSContactTraceRecordFormatVersion", "2017-03-10");
        r.put("AgentConnectionAttempts", new Json.JsonNumber("1"));
        r.put("Attributes", new LinkedHashMap<>(Map.of("reason", "billing")));
        r.put("Channel", channel);
        r.put("ConnectedToSystemTimestamp", "2026-12-05T10:00:01Z");
        r.put("ContactId", contactId);
        r.put("DisconnectTimestamp", "2026-12-05T10:04:10Z");
        r.put("InitiationMethod", initiation);
        r.put("InitiationTimestamp", "2026-12-05T10:00:00Z");
        r.put("InstanceARN", INSTANCE);
        r.put("LastUpdateTimestamp", lastUpdate instanceof Long ms ? new Json.JsonNumber(ms.toString()) : lastUpdate);
        r.put("MediaStreams", List.of(Map.of("Type", channel.equals("CHAT") ? "CHAT" : "AUDIO")));
        r.put("NextContactId", Json.NULL);
        r.put("PreviousContactId", Json.NULL);
        r.put("TransferCompletedTimestamp", Json.NULL);
        r.put("TransferredToEndpoint", Json.NULL);
        return r;
    }

    private static Map<String, Object> endpoint(String phone) {
        return Map.of("Address", phone, "Type", "TELEPHONE_NUMBER");
    }

    private static Map<String, Object> agent(String user) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("ARN", INSTANCE + "/agent/" + user);
        a.put("Username", user);
        a.put("ConnectedToAgentTimestamp", "2026-12-05T10:00:20Z");
        a.put("AgentInteractionDuration", new Json.JsonNumber("210"));
        a.put("RoutingProfile", Map.of("Name", "Basic Routing Profile"));
        return a;
    }

    private static Map<String, Object> queue(String name) {
        return Map.of("ARN", INSTANCE + "/queue/" + name, "Name", name, "EnqueueTimestamp", "2026-12-05T10:00:05Z",
                "DequeueTimestamp", "2026-12-05T10:00:20Z", "Duration", new Json.JsonNumber("15"));
    }

    public static byte[] bytes(Map<String, Object> record) {
        return Json.write(record).getBytes(StandardCharsets.UTF_8);
    }

    /** One shard's batch of the given records' bytes, each with a new sequence number, in order. */
    public static KinesisEvent batch(byte[]... records) {
        List<KinesisEvent.KinesisEventRecord> list = new ArrayList<>();
        for (byte[] data : records) {
            String sequence = Long.toString(SEQUENCE.incrementAndGet());
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setData(ByteBuffer.wrap(data));
            kinesis.setSequenceNumber(sequence);
            kinesis.setPartitionKey("partition-" + sequence);
            kinesis.setApproximateArrivalTimestamp(new Date());
            kinesis.setKinesisSchemaVersion("1.0");
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventSource("aws:kinesis");
            record.setEventName("aws:kinesis:record");
            record.setEventVersion("1.0");
            record.setEventID("shardId-000000000000:" + sequence);
            record.setEventSourceARN(STREAM_ARN);
            record.setAwsRegion("us-east-1");
            list.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(list);
        return event;
    }

    /** A Kinesis event as Lambda sends it (and as {@code sam local generate-event kinesis get-records} writes it). */
    @SuppressWarnings("unchecked")
    public static KinesisEvent fromJson(String json) {
        List<KinesisEvent.KinesisEventRecord> list = new ArrayList<>();
        for (Object r : (List<Object>) ((Map<String, Object>) Json.parse(json)).get("Records")) {
            Map<String, Object> event = (Map<String, Object>) r;
            Map<String, Object> k = (Map<String, Object>) event.get("kinesis");
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setData(ByteBuffer.wrap(java.util.Base64.getDecoder().decode((String) k.get("data"))));
            kinesis.setSequenceNumber((String) k.get("sequenceNumber"));
            kinesis.setPartitionKey((String) k.get("partitionKey"));
            kinesis.setKinesisSchemaVersion((String) k.get("kinesisSchemaVersion"));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventSource((String) event.get("eventSource"));
            record.setEventName((String) event.get("eventName"));
            record.setEventID((String) event.get("eventID"));
            record.setEventSourceARN((String) event.get("eventSourceARN"));
            record.setAwsRegion((String) event.get("awsRegion"));
            list.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(list);
        return event;
    }

    /** The same records delivered again (a retry or a replay of the stream): same sequence numbers. */
    public static KinesisEvent redelivered(KinesisEvent batch, int from) {
        KinesisEvent event = new KinesisEvent();
        event.setRecords(new ArrayList<>(batch.getRecords().subList(from, batch.getRecords().size())));
        return event;
    }
}

package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.openprofiles.json.Json;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads an event stream back with the SDK's Kinesis client, as a consumer would: every shard from its oldest record, in
 * order. Each event is the record's JSON with its partition key and shard.
 */
final class KinesisReader {
    record Event(String shardId, String partitionKey, Map<String, Object> json) {
        String type() { return (String) json.get("EventType"); }
        String objectType() { return (String) json.get("ObjectTypeName"); }
        String profileId() { return (String) json.get("AssociatedProfileId"); }
        String eventId() { return (String) json.get("EventId"); }
    }

    private final KinesisClient kinesis;
    private final String streamName;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();

    KinesisReader(KinesisClient kinesis, String streamArn) {
        this.kinesis = kinesis;
        this.streamName = streamArn.substring(streamArn.lastIndexOf('/') + 1);
        for (Shard shard : kinesis.listShards(r -> r.streamName(streamName)).shards()) {
            iterators.put(shard.shardId(), kinesis.getShardIterator(r -> r.streamName(streamName).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
        }
    }

    /** Reads what is new on every shard. */
    @SuppressWarnings("unchecked")
    void poll() {
        for (Map.Entry<String, String> shard : iterators.entrySet()) {
            GetRecordsResponse response = kinesis.getRecords(r -> r.shardIterator(shard.getValue()));
            for (Record record : response.records()) {
                events.add(new Event(shard.getKey(), record.partitionKey(),
                        (Map<String, Object>) Json.parse(new String(record.data().asByteArray(), StandardCharsets.UTF_8))));
            }
            shard.setValue(response.nextShardIterator());
        }
    }

    /** Reads until {@code done} holds for what was read, or fails after {@code timeout}; no fixed sleeps. */
    List<Event> until(Predicate<List<Event>> done, Duration timeout) {
        Instant giveUp = Instant.now().plus(timeout);
        while (true) {
            poll();
            if (done.test(events)) return events;
            if (Instant.now().isAfter(giveUp)) fail("the events did not arrive within " + timeout + "; read: " + events);
            Thread.onSpinWait();
        }
    }

    /** The events of one profile (its partition key), in stream order. */
    List<Event> ofProfile(String profileId) {
        return events.stream().filter(e -> profileId.equals(e.partitionKey())).toList();
    }
}

package org.openprofiles.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.openprofiles.json.Json;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import org.openprofiles.export.KinesisDestinations;
import org.openprofiles.export.KinesisEventSink;
import org.openprofiles.kinesis.LocalKinesis;
import org.openprofiles.service.EventDestinations;

/**
 * One kinesalite per test JVM, started on first use (most tests never touch Kinesis), reached by the SDK's Kinesis
 * client. Each test names its own streams.
 */
public final class TestKinesis {
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static LocalKinesis kinesis;

    private TestKinesis() {}

    public static synchronized LocalKinesis get() {
        if (kinesis == null) {
            kinesis = LocalKinesis.startEmulator();
            Runtime.getRuntime().addShutdownHook(new Thread(kinesis::close));
        }
        return kinesis;
    }

    /** A new stream with {@code shards} shards; its ARN. */
    public static String newStream(int shards) {
        return get().createStream("test-stream-" + STREAMS.incrementAndGet(), shards);
    }

    /** The service's check of a Uri, over this Kinesis (started only when a check is made). */
    public static EventDestinations destinations() {
        return arn -> new KinesisDestinations(get().client()).problem(arn);
    }

    public static KinesisEventSink sink() {
        return new KinesisEventSink(get().client());
    }

    /** Every event on the stream, each shard from its oldest record, as JSON. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> readAll(String streamArn) {
        KinesisClient kinesis = get().client();
        String name = streamArn.substring(streamArn.lastIndexOf('/') + 1);
        List<Map<String, Object>> events = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(name)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(name).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            for (Record record : kinesis.getRecords(r -> r.shardIterator(iterator).limit(10_000)).records()) {
                events.add((Map<String, Object>) Json.parse(new String(record.data().asByteArray(), StandardCharsets.UTF_8)));
            }
        }
        return events;
    }
}

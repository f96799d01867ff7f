package org.openprofiles.testing;

import java.util.concurrent.atomic.AtomicInteger;
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
}

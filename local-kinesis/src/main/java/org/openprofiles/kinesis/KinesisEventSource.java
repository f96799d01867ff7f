package org.openprofiles.kinesis;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Lambda's Kinesis event source mapping, locally: one reader per shard hands batches of records, as the
 * {@link KinesisEvent} Lambda builds, to the same handler the deployed mapping invokes, one batch per shard at a time.
 * After a batch the shard's checkpoint moves past every record the handler did not report. A reported failure (or a
 * handler that throws) is retried from the lowest reported sequence number, with a growing pause, at most
 * {@link MappingSettings#retryAttempts()} times; after that the batch is skipped and logged (shard and sequence numbers, never
 * the content), as the deployed mapping sends it to its failure queue. Reading starts at the stream's oldest record
 * (TRIM_HORIZON) like the deployed mapping; checkpoints live in memory, so a restart reads the stream again, which the
 * contact-record consumer absorbs (a copy it already has changes nothing). Shards are listed once, at the start: a
 * stream resharded while the local API runs is read again after a restart.
 */
public final class KinesisEventSource implements AutoCloseable {
    /** What the readers did so far. */
    public record Stats(long invocations, long records, long retries, long skippedBatches) {}

    private final KinesisClient kinesis;
    private final String streamArn;
    /** Requests name the stream (kinesalite predates the StreamARN parameter). */
    private final String streamName;
    private final String functionName;
    private final RequestHandler<KinesisEvent, StreamsEventResponse> handler;
    private final MappingSettings settings;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Thread> readers = new ArrayList<>();
    /** Per shard: the sequence number of the last record done with (handled, or skipped after the retries). */
    private final Map<String, BigInteger> checkpoints = new HashMap<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong skippedBatches = new AtomicLong();

    private KinesisEventSource(KinesisClient kinesis, String streamArn, String functionName,
                               RequestHandler<KinesisEvent, StreamsEventResponse> handler, MappingSettings settings) {
        this.kinesis = kinesis;
        this.streamArn = streamArn;
        this.streamName = streamArn.substring(streamArn.lastIndexOf('/') + 1);
        this.functionName = functionName;
        this.handler = handler;
        this.settings = settings;
    }

    /** Starts reading every shard of the stream into the handler. */
    public static KinesisEventSource start(KinesisClient kinesis, String streamArn, String functionName,
                                           RequestHandler<KinesisEvent, StreamsEventResponse> handler, MappingSettings settings) {
        KinesisEventSource source = new KinesisEventSource(kinesis, streamArn, functionName, handler, settings);
        for (Shard shard : kinesis.listShards(r -> r.streamName(source.streamName)).shards()) {
            Thread reader = new Thread(() -> source.read(shard.shardId()), "kinesis-" + shard.shardId());
            reader.setDaemon(true);
            source.readers.add(reader);
        }
        source.readers.forEach(Thread::start);
        return source;
    }

    public String streamArn() { return streamArn; }

    public Stats stats() {
        return new Stats(invocations.get(), records.get(), retries.get(), skippedBatches.get());
    }

    /**
     * Waits until the shard's reader is done with the record of this sequence number (handled, or skipped after its
     * retries); false when that did not happen within the timeout.
     */
    public boolean awaitCheckpoint(String shardId, String sequenceNumber, Duration timeout) throws InterruptedException {
        BigInteger wanted = new BigInteger(sequenceNumber);
        long giveUp = System.nanoTime() + timeout.toNanos();
        synchronized (checkpoints) {
            while (true) {
                BigInteger done = checkpoints.get(shardId);
                if (done != null && done.compareTo(wanted) >= 0) return true;
                long left = giveUp - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(checkpoints, left);
            }
        }
    }

    private void read(String shardId) {
        String iterator = null;
        int attempts = 0;
        while (closed.getCount() > 0) {
            try {
                if (iterator == null) iterator = iterator(shardId);
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(r -> r.shardIterator(current).limit(settings.batchSize()));
                List<Record> batch = page.records();
                if (batch.isEmpty()) {
                    iterator = page.nextShardIterator();
                    if (iterator == null) return; // a closed shard, read to its end
                    pause(settings.idlePoll());
                    continue;
                }
                String failedFrom = invoke(shardId, batch);
                if (failedFrom == null) {
                    attempts = 0;
                    checkpoint(shardId, batch.get(batch.size() - 1).sequenceNumber());
                    iterator = page.nextShardIterator();
                } else if (attempts++ < settings.retryAttempts()) {
                    retries.incrementAndGet();
                    checkpointBefore(shardId, batch, failedFrom);
                    pause(MappingSettings.retryPause(attempts));
                    iterator = atSequenceNumber(shardId, failedFrom);
                } else {
                    attempts = 0;
                    skippedBatches.incrementAndGet();
                    System.out.println("{\"level\":\"ERROR\",\"event\":\"kinesisBatchSkipped\",\"function\":\"" + functionName
                            + "\",\"shardId\":\"" + shardId + "\",\"firstSequenceNumber\":\"" + failedFrom
                            + "\",\"lastSequenceNumber\":\"" + batch.get(batch.size() - 1).sequenceNumber()
                            + "\",\"retryAttempts\":" + settings.retryAttempts() + "}");
                    checkpoint(shardId, batch.get(batch.size() - 1).sequenceNumber());
                    iterator = page.nextShardIterator();
                }
            } catch (SdkException e) {
                if (closed.getCount() == 0) return;
                // Kinesis unreachable, throttled, or the iterator expired: read again from the checkpoint after a pause.
                System.out.println("{\"level\":\"WARN\",\"event\":\"kinesisReadFailed\",\"shardId\":\"" + shardId
                        + "\",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                iterator = null;
                pause(MappingSettings.LONGEST_RETRY_PAUSE);
            }
        }
    }

    /** An iterator after the shard's checkpoint, or at its oldest record. */
    private String iterator(String shardId) {
        BigInteger done;
        synchronized (checkpoints) {
            done = checkpoints.get(shardId);
        }
        if (done == null) {
            return kinesis.getShardIterator(r -> r.streamName(streamName).shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
        }
        return kinesis.getShardIterator(r -> r.streamName(streamName).shardId(shardId)
                .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(done.toString())).shardIterator();
    }

    private String atSequenceNumber(String shardId, String sequenceNumber) {
        return kinesis.getShardIterator(r -> r.streamName(streamName).shardId(shardId)
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(sequenceNumber)).shardIterator();
    }

    /**
     * One invocation; returns the sequence number to resume from, or null when the whole batch is done. As Lambda does,
     * a handler that throws, or a reported failure that names no record of the batch, fails the whole batch.
     */
    private String invoke(String shardId, List<Record> batch) {
        invocations.incrementAndGet();
        records.addAndGet(batch.size());
        StreamsEventResponse response;
        try {
            response = handler.handleRequest(event(shardId, batch), LocalContext.invocation(functionName, settings.timeout()));
        } catch (RuntimeException e) {
            System.out.println("{\"level\":\"ERROR\",\"event\":\"kinesisInvocationFailed\",\"function\":\"" + functionName
                    + "\",\"shardId\":\"" + shardId + "\",\"error\":\"" + e.getClass().getName() + "\"}");
            return batch.get(0).sequenceNumber();
        }
        if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) return null;
        BigInteger lowest = null;
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            String id = failure.getItemIdentifier();
            if (id == null || batch.stream().noneMatch(record -> record.sequenceNumber().equals(id))) return batch.get(0).sequenceNumber();
            BigInteger sequence = new BigInteger(id);
            if (lowest == null || sequence.compareTo(lowest) < 0) lowest = sequence;
        }
        return lowest.toString();
    }

    /** The event Lambda's mapping delivers for these records of one shard. */
    private KinesisEvent event(String shardId, List<Record> batch) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>(batch.size());
        for (Record record : batch) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setKinesisSchemaVersion("1.0");
            kinesis.setPartitionKey(record.partitionKey());
            kinesis.setSequenceNumber(record.sequenceNumber());
            kinesis.setData(record.data().asByteBuffer());
            kinesis.setApproximateArrivalTimestamp(Date.from(record.approximateArrivalTimestamp()));
            KinesisEvent.KinesisEventRecord delivered = new KinesisEvent.KinesisEventRecord();
            delivered.setKinesis(kinesis);
            delivered.setEventSource("aws:kinesis");
            delivered.setEventVersion("1.0");
            delivered.setEventID(shardId + ":" + record.sequenceNumber());
            delivered.setEventName("aws:kinesis:record");
            delivered.setInvokeIdentityArn("arn:aws:iam::000000000000:role/" + functionName);
            delivered.setAwsRegion(streamArn.split(":")[3]);
            delivered.setEventSourceARN(streamArn);
            records.add(delivered);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }

    private void checkpoint(String shardId, String sequenceNumber) {
        synchronized (checkpoints) {
            checkpoints.put(shardId, new BigInteger(sequenceNumber));
            checkpoints.notifyAll();
        }
    }

    /** The records before the one to resume from are done. */
    private void checkpointBefore(String shardId, List<Record> batch, String resumeFrom) {
        for (int i = batch.size() - 1; i > 0; i--) {
            if (batch.get(i).sequenceNumber().equals(resumeFrom)) {
                checkpoint(shardId, batch.get(i - 1).sequenceNumber());
                return;
            }
        }
    }

    /** Waits, unless the source is closed meanwhile. */
    private void pause(Duration duration) {
        try {
            closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.countDown();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        for (Thread reader : readers) {
            try {
                reader.join(MappingSettings.LONGEST_RETRY_PAUSE.plus(settings.timeout()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

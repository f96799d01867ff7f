package org.openprofiles.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openprofiles.model.Backoff;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What Lambda's DynamoDB Streams event source mapping does, for the local API: reads each shard of the table's change
 * stream (an iterator per shard, from its oldest record), hands each batch to the handler Lambda runs, and moves the
 * shard's checkpoint past what the handler did not report. A batch with a reported failure is delivered again from
 * the failed record, with backoff (100 ms doubling to 5 s) and at most {@value #MAX_RETRIES} times, as the deployed
 * mapping's bounded retries; after that its range is logged (the deployed stack's failure queue) and skipped.
 * Checkpoints live in memory: a restarted local API reads the stream again from its oldest record, so events are
 * written again (same EventIds), never lost.
 */
final class StreamPoller implements AutoCloseable {
    static final int BATCH_SIZE = 100;
    static final int MAX_RETRIES = 10;
    static final Backoff RETRY_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;
    private final ScheduledExecutorService executor;
    /** Per shard: the last sequence number done, the iterator to read next, failed deliveries of the current batch. */
    private final Map<String, String> checkpoints = new HashMap<>();
    private final Map<String, String> iterators = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private final Set<String> finished = new HashSet<>();

    StreamPoller(DynamoDbStreamsClient streams, String streamArn, RequestHandler<DynamodbEvent, StreamsEventResponse> handler, Duration interval) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.handler = handler;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "stream-poller");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::pollSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            // DynamoDB Local unreachable for a moment: the next poll starts again from the checkpoints.
            iterators.clear();
            System.out.println("{\"level\":\"ERROR\",\"event\":\"streamPollFailed\",\"error\":\"" + e.getClass().getName() + "\"}");
        }
    }

    /** One pass over every shard: each reads until it has nothing new (or a batch failed). */
    private void poll() {
        List<Shard> shards = streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards();
        for (Shard shard : shards) {
            String id = shard.shardId();
            if (finished.contains(id)) continue;
            if (shard.parentShardId() != null && !finished.contains(shard.parentShardId())
                    && shards.stream().anyMatch(s -> s.shardId().equals(shard.parentShardId()))) {
                continue; // a child waits until its parent is read to its end, to keep each item's order
            }
            if (retryAt.getOrDefault(id, 0L) > System.nanoTime()) continue;
            for (int batches = 0; batches < 100; batches++) {
                if (!readBatch(id)) break;
            }
        }
    }

    /** Reads and delivers one batch of a shard; false when there is nothing more to read now. */
    private boolean readBatch(String shardId) {
        String iterator = iterators.get(shardId);
        if (iterator == null) {
            String checkpoint = checkpoints.get(shardId);
            iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shardId)
                    .shardIteratorType(checkpoint == null ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .sequenceNumber(checkpoint)).shardIterator();
        }
        String current = iterator;
        GetRecordsResponse response = streams.getRecords(r -> r.shardIterator(current).limit(BATCH_SIZE));
        List<Record> records = response.records();
        if (records.isEmpty()) {
            if (response.nextShardIterator() == null) finished.add(shardId);
            else iterators.put(shardId, response.nextShardIterator());
            return false;
        }
        StreamsEventResponse answer = handler.handleRequest(StreamRecords.event(streamArn, records), null);
        String failed = answer.getBatchItemFailures() == null || answer.getBatchItemFailures().isEmpty() ? null
                : answer.getBatchItemFailures().get(0).getItemIdentifier();
        if (failed == null) {
            done(shardId, records.get(records.size() - 1).dynamodb().sequenceNumber());
            if (response.nextShardIterator() == null) finished.add(shardId);
            else iterators.put(shardId, response.nextShardIterator());
            return true;
        }
        // Delivered again from the failed record: the checkpoint moves to the record before it.
        for (Record record : records) {
            if (record.dynamodb().sequenceNumber().equals(failed)) break;
            done(shardId, record.dynamodb().sequenceNumber());
        }
        iterators.remove(shardId);
        int attempts = failures.merge(shardId, 1, Integer::sum);
        if (attempts > MAX_RETRIES) {
            // As the deployed mapping's on-failure destination: the range is described, and the shard goes on.
            System.out.println("{\"level\":\"ERROR\",\"event\":\"streamBatchSkipped\",\"shardId\":\"" + shardId + "\",\"firstSequenceNumber\":\""
                    + failed + "\",\"lastSequenceNumber\":\"" + records.get(records.size() - 1).dynamodb().sequenceNumber() + "\"}");
            done(shardId, records.get(records.size() - 1).dynamodb().sequenceNumber());
            return true;
        }
        retryAt.put(shardId, System.nanoTime() + RETRY_BACKOFF.delay(attempts).toNanos());
        return false;
    }

    private void done(String shardId, String sequenceNumber) {
        checkpoints.put(shardId, sequenceNumber);
        failures.remove(shardId);
        retryAt.remove(shardId);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.openprofiles.kinesis;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Lambda's DynamoDB Streams event source mapping, locally: reads each shard of a table's change stream (from its oldest
 * record), hands each batch, as the {@link DynamodbEvent} Lambda builds, to the handler the deployed mapping invokes, and
 * moves the shard's checkpoint past what the handler did not report. A reported failure (or a handler that throws) is
 * delivered again from the lowest reported record, after a growing pause, at most {@link MappingSettings#retryAttempts()}
 * times; then its range is logged (the deployed mapping's failure queue) and skipped. A child shard waits until its
 * parent is read to its end, so each item's changes keep their order. One thread polls every shard in turn, every
 * {@link MappingSettings#idlePoll()}. Checkpoints live in memory: a restart reads the stream again from its oldest
 * record, so the handler sees changes again (it must be idempotent, as under Lambda), never loses one.
 */
public final class DynamoDbStreamEventSource implements AutoCloseable {
    /** What the source did so far. */
    public record Stats(long invocations, long records, long retries, long skippedBatches) {}

    /** DynamoDB Streams' largest GetRecords page. */
    private static final int MAX_RECORDS_PER_READ = 1000;

    /** Batches read from one shard in a pass before the next shard's turn. */
    private static final int BATCHES_PER_TURN = 100;

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String functionName;
    private final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;
    private final MappingSettings settings;
    private final ScheduledExecutorService poller;
    /** Per shard, touched by the poller thread only: the last sequence number done, the iterator to read next, the failing batch's attempts. */
    private final Map<String, String> checkpoints = new HashMap<>();
    private final Map<String, String> iterators = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private final Set<String> finished = new HashSet<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong skippedBatches = new AtomicLong();

    private DynamoDbStreamEventSource(DynamoDbStreamsClient streams, String streamArn, String functionName,
                                      RequestHandler<DynamodbEvent, StreamsEventResponse> handler, MappingSettings settings) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.functionName = functionName;
        this.handler = handler;
        this.settings = settings;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dynamodb-stream-" + functionName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts reading the table's change stream (its ARN) into the handler. */
    public static DynamoDbStreamEventSource start(DynamoDbStreamsClient streams, String streamArn, String functionName,
                                                  RequestHandler<DynamodbEvent, StreamsEventResponse> handler, MappingSettings settings) {
        DynamoDbStreamEventSource source = new DynamoDbStreamEventSource(streams, streamArn, functionName, handler, settings);
        source.poller.scheduleWithFixedDelay(source::pollSafely, 0, settings.idlePoll().toMillis(), TimeUnit.MILLISECONDS);
        return source;
    }

    public Stats stats() {
        return new Stats(invocations.get(), records.get(), retries.get(), skippedBatches.get());
    }

    private void pollSafely() {
        try {
            poll();
        } catch (SdkException e) {
            // DynamoDB unreachable for a moment, or an iterator expired: the next pass reads again from the checkpoints.
            iterators.clear();
            System.out.println("{\"level\":\"WARN\",\"event\":\"dynamodbStreamReadFailed\",\"function\":\"" + functionName
                    + "\",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    /** One pass over every shard: each is read until it has nothing new, or a batch failed. */
    private void poll() {
        List<Shard> shards = streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards();
        for (Shard shard : shards) {
            String id = shard.shardId();
            if (finished.contains(id)) continue;
            if (shard.parentShardId() != null && !finished.contains(shard.parentShardId())
                    && shards.stream().anyMatch(s -> s.shardId().equals(shard.parentShardId()))) {
                continue;
            }
            if (retryAt.getOrDefault(id, 0L) > System.nanoTime()) continue;
            for (int batch = 0; batch < BATCHES_PER_TURN && readBatch(id); batch++) {
                // the shard's next batch
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
        GetRecordsResponse response = streams.getRecords(r -> r.shardIterator(current).limit(settings.batchSize()));
        List<Record> batch = response.records();
        if (batch.isEmpty()) {
            moveOn(shardId, response.nextShardIterator());
            return false;
        }
        String last = batch.get(batch.size() - 1).dynamodb().sequenceNumber();
        String failedFrom = invoke(batch);
        if (failedFrom == null) {
            done(shardId, last);
            moveOn(shardId, response.nextShardIterator());
            return true;
        }
        for (Record record : batch) { // the records before the failed one are done
            if (record.dynamodb().sequenceNumber().equals(failedFrom)) break;
            checkpoints.put(shardId, record.dynamodb().sequenceNumber());
        }
        iterators.remove(shardId);
        int attempt = attempts.merge(shardId, 1, Integer::sum);
        if (attempt > settings.retryAttempts()) {
            skippedBatches.incrementAndGet();
            System.out.println("{\"level\":\"ERROR\",\"event\":\"dynamodbStreamBatchSkipped\",\"function\":\"" + functionName
                    + "\",\"shardId\":\"" + shardId + "\",\"firstSequenceNumber\":\"" + failedFrom + "\",\"lastSequenceNumber\":\"" + last
                    + "\",\"retryAttempts\":" + settings.retryAttempts() + "}");
            done(shardId, last);
            return true;
        }
        retries.incrementAndGet();
        retryAt.put(shardId, System.nanoTime() + MappingSettings.retryPause(attempt).toNanos());
        return false;
    }

    /**
     * One invocation; the sequence number to deliver again from, or null when the whole batch is done. As Lambda does, a
     * handler that throws, or a reported failure that names no record of the batch, fails the whole batch.
     */
    private String invoke(List<Record> batch) {
        invocations.incrementAndGet();
        records.addAndGet(batch.size());
        String first = batch.get(0).dynamodb().sequenceNumber();
        StreamsEventResponse response;
        try {
            response = handler.handleRequest(DynamoDbStreamRecords.event(streamArn, batch), LocalContext.invocation(functionName, settings.timeout()));
        } catch (RuntimeException e) {
            System.out.println("{\"level\":\"ERROR\",\"event\":\"dynamodbStreamInvocationFailed\",\"function\":\"" + functionName
                    + "\",\"error\":\"" + e.getClass().getName() + "\"}");
            return first;
        }
        if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) return null;
        String lowest = null;
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            String id = failure.getItemIdentifier();
            if (id == null || batch.stream().noneMatch(record -> record.dynamodb().sequenceNumber().equals(id))) return first;
            if (lowest == null || new BigInteger(id).compareTo(new BigInteger(lowest)) < 0) lowest = id;
        }
        return lowest;
    }

    /**
     * Moves every shard's checkpoint past the records the stream holds now, delivering none of them to the handler (the
     * local API's reset: its own deletions are no changes to export). Runs on the poller thread, after the pass in
     * progress; the caller makes sure nothing writes to the table meanwhile, so "now" is the stream's end.
     *
     * @throws IllegalStateException when it did not finish within {@code timeout} (the next pass reads on from the
     *                               checkpoints reached), or a read failed
     */
    public void skipToEnd(Duration timeout) {
        long giveUp = System.nanoTime() + timeout.toNanos();
        Future<?> skip = poller.submit(() -> skip(giveUp));
        try {
            skip.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            skip.cancel(true);
            throw new IllegalStateException("the change stream was not skipped to its end within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the change stream could not be skipped to its end: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            skip.cancel(true);
            throw new IllegalStateException("interrupted while skipping the change stream to its end", e);
        }
    }

    /** Each shard read to its end, pages of records checkpointed unread; bounded by {@code giveUp} (System.nanoTime). */
    private void skip(long giveUp) {
        try {
            for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
                String id = shard.shardId();
                while (!finished.contains(id)) {
                    if (System.nanoTime() - giveUp > 0) throw new IllegalStateException("out of time");
                    String iterator = iterators.get(id);
                    if (iterator == null) {
                        String checkpoint = checkpoints.get(id);
                        iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(id)
                                .shardIteratorType(checkpoint == null ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                .sequenceNumber(checkpoint)).shardIterator();
                    }
                    String current = iterator;
                    GetRecordsResponse response = streams.getRecords(r -> r.shardIterator(current).limit(MAX_RECORDS_PER_READ));
                    List<Record> page = response.records();
                    if (!page.isEmpty()) done(id, page.get(page.size() - 1).dynamodb().sequenceNumber());
                    moveOn(id, response.nextShardIterator());
                    if (page.isEmpty()) break; // an open shard's end, for now
                }
            }
        } catch (RuntimeException e) {
            iterators.clear(); // the next pass reads on from the checkpoints
            throw e;
        }
    }

    /** A closed shard read to its end is finished; an open one is read on from the next iterator. */
    private void moveOn(String shardId, String nextIterator) {
        if (nextIterator == null) finished.add(shardId);
        else iterators.put(shardId, nextIterator);
    }

    private void done(String shardId, String sequenceNumber) {
        checkpoints.put(shardId, sequenceNumber);
        attempts.remove(shardId);
        retryAt.remove(shardId);
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            if (!poller.awaitTermination(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                System.out.println("{\"level\":\"WARN\",\"event\":\"dynamodbStreamSourceStillRunning\",\"function\":\"" + functionName + "\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

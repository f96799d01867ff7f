package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openprofiles.export.Change;
import org.openprofiles.export.Exporter;
import org.openprofiles.export.StreamImages;
import org.openprofiles.store.table.CallCounter;

/**
 * The event streams' exporter: the table's change stream (a DynamoDB Streams event source mapping with
 * {@code ReportBatchItemFailures}, NEW_AND_OLD_IMAGES) into each domain's Kinesis data stream ({@link Exporter}). What
 * could not be written after the bounded retries is reported from its first record on: Lambda sends those records
 * again (bisecting, a bounded number of times, then describing them in the failure queue), so nothing is dropped. One
 * log line per batch, also a CloudWatch metric record ({@link RequestLog#eventExportBatch}); never an event's content.
 */
public final class EventExportHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    static final String OPERATION = "EventExport";
    /** The event source mapping's batch size (deployed and local). */
    public static final int BATCH_SIZE = 100;
    /** Retries of a failing batch (deployed: bisected on each error) before it is described in the failure queue. */
    public static final int RETRY_ATTEMPTS = 10;
    /** The function's timeout: the exporter's Kinesis retries are bounded by the time left. */
    public static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final Exporter exporter;

    /** Used by Lambda: the container's shared clients. */
    public EventExportHandler() {
        this(Container.exporter());
    }

    public EventExportHandler(Exporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        long started = System.nanoTime();
        CallCounter.reset();
        String requestId = context == null ? null : context.getAwsRequestId();
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        StreamsEventResponse response = new StreamsEventResponse(new ArrayList<>());
        int changes = 0;
        Exporter.Result result;
        try {
            List<Change> batch = StreamImages.changes(records);
            changes = batch.size();
            result = exporter.export(batch, Api.deadline(context));
        } catch (RuntimeException e) {
            // Nothing is known to be written: the whole batch is delivered again.
            RequestLog.failure(requestId, OPERATION, e);
            String first = records.isEmpty() ? null : records.get(0).getDynamodb().getSequenceNumber();
            result = new Exporter.Result(first, 0, 0, 0, changes, e.getClass().getName());
        }
        if (result.firstUndelivered() != null) {
            response.getBatchItemFailures().add(new StreamsEventResponse.BatchItemFailure(result.firstUndelivered()));
        }
        RequestLog.eventExportBatch(requestId, records.size(), changes, result, System.nanoTime() - started, CallCounter.counts());
        return response;
    }
}

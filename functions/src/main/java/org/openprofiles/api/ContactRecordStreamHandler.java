package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Caller;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.store.table.CallCounter;

/**
 * Amazon Connect's contact records from a Kinesis data stream (an event source mapping with
 * {@code ReportBatchItemFailures}): each record goes to {@link ContactRecordService}, in order. A record that could
 * not be decided on now (throttled, out of time, an internal error) is reported as the batch's failure and nothing
 * after it is tried: Lambda resumes the shard from the lowest sequence number reported, so the records before it are
 * not sent again and the ones after it keep their order. Records that can never be stored are set aside by the
 * service and count as done.
 *
 * <p>Configuration (environment): {@code OPENPROFILES_CONTACT_RECORDS_DOMAIN} (required) and
 * {@code OPENPROFILES_CONTACT_RECORDS_OBJECT_TYPE} (default {@value ContactRecordService#DEFAULT_OBJECT_TYPE}), besides
 * {@code TABLE_NAME}.
 */
public final class ContactRecordStreamHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    static final String OPERATION = "ContactRecordStream";
    /** The domain contact records are stored in (required). */
    public static final String DOMAIN_ENV = "OPENPROFILES_CONTACT_RECORDS_DOMAIN";
    /** Their object type (optional). */
    public static final String OBJECT_TYPE_ENV = "OPENPROFILES_CONTACT_RECORDS_OBJECT_TYPE";
    /** The event source mapping's batch size (deployed and local). */
    public static final int BATCH_SIZE = 100;
    /** Retries of a failing batch before it is set aside as a whole (deployed: described in the failure queue). */
    public static final int RETRY_ATTEMPTS = 10;
    /** The function's timeout: room for a batch of 100 records with their retries under contention. */
    public static final Duration TIMEOUT = Duration.ofMinutes(1);
    /** Time a record's put is given at least; with less left, the rest of the batch is left for the next invocation. */
    static final Duration RECORD_RESERVE = Duration.ofSeconds(1);

    private final ContactRecordService service;

    /** Used by Lambda: the container's shared client and store, the destination from the environment. */
    public ContactRecordStreamHandler() {
        this(Container.contactRecordService(System.getenv(DOMAIN_ENV), System.getenv(OBJECT_TYPE_ENV)));
    }

    public ContactRecordStreamHandler(ContactRecordService service) {
        this.service = service;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        long started = System.nanoTime();
        CallCounter.reset();
        String requestId = context == null ? null : context.getAwsRequestId();
        Deadline deadline = Api.deadline(context);
        List<KinesisEvent.KinesisEventRecord> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        Map<ContactRecordService.Outcome, Integer> counts = new EnumMap<>(ContactRecordService.Outcome.class);
        StreamsEventResponse response = new StreamsEventResponse(new java.util.ArrayList<>());
        int failed = 0;
        for (int i = 0; i < records.size() && failed == 0; i++) {
            KinesisEvent.KinesisEventRecord record = records.get(i);
            boolean done = false;
            if (deadline.remaining().compareTo(RECORD_RESERVE) >= 0) {
                try {
                    counts.merge(Caller.as(performedBy(context), () -> service.ingest(recordId(record), bytes(record.getKinesis().getData()),
                            deadline)), 1, Integer::sum);
                    done = true;
                } catch (RuntimeException e) {
                    RequestLog.failure(requestId, OPERATION, e);
                }
            }
            if (!done) {
                // Delivered again from here: this record and every later one of the shard (a batch is one shard's).
                response.getBatchItemFailures().add(new StreamsEventResponse.BatchItemFailure(record.getKinesis().getSequenceNumber()));
                failed = records.size() - i;
            }
        }
        RequestLog.contactRecordBatch(requestId, service.domainName(), records.size(),
                counts.getOrDefault(ContactRecordService.Outcome.STORED, 0), counts.getOrDefault(ContactRecordService.Outcome.UNCHANGED, 0),
                counts.getOrDefault(ContactRecordService.Outcome.SET_ASIDE, 0), failed, System.nanoTime() - started, CallCounter.counts());
        return response;
    }

    /** The consumer's own principal, which contact records' history names: this function's ARN (null outside Lambda). */
    static String performedBy(Context context) {
        return context == null ? null : context.getInvokedFunctionArn();
    }

    /** Unique per record and the same on every delivery of it: the stream, the shard and the sequence number. */
    static String recordId(KinesisEvent.KinesisEventRecord record) {
        String arn = record.getEventSourceARN();
        String stream = arn == null ? "stream" : arn.substring(arn.lastIndexOf('/') + 1);
        String eventId = record.getEventID(); // "shardId-000000000000:<sequence number>"
        String shard = eventId == null || eventId.indexOf(':') < 0 ? "shard" : eventId.substring(0, eventId.indexOf(':'));
        return stream + "/" + shard + "/" + record.getKinesis().getSequenceNumber();
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}

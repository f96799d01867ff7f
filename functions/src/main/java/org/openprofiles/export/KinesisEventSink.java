package org.openprofiles.export;

import java.util.ArrayList;
import java.util.List;
import org.openprofiles.service.EventStreamService;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** PutRecords to an event stream's Kinesis data stream (by name: see {@link KinesisDestinations}). */
public final class KinesisEventSink implements EventSink {
    private final KinesisClient kinesis;

    public KinesisEventSink(KinesisClient kinesis) {
        this.kinesis = kinesis;
    }

    @Override
    public List<String> put(String streamArn, List<Outgoing> records) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (Outgoing record : records) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(record.partitionKey()).data(SdkBytes.fromByteArray(record.data())).build());
        }
        PutRecordsResponse response = kinesis.putRecords(r -> r.streamName(EventStreamService.streamName(streamArn)).records(entries));
        List<String> errors = new ArrayList<>();
        for (PutRecordsResultEntry entry : response.records()) errors.add(entry.errorCode());
        return errors;
    }
}

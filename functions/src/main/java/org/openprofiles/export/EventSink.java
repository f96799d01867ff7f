package org.openprofiles.export;

import java.util.List;

/** Where events are written: one PutRecords-like call to one stream ({@link KinesisEventSink} over Kinesis). */
@FunctionalInterface
public interface EventSink {
    /** One record: its partition key and its bytes. */
    record Outgoing(String partitionKey, byte[] data) {}

    /**
     * Writes the records in one call.
     *
     * @return for each record, in order, null when it was written, else the error code it failed with
     *         (e.g. {@code ProvisionedThroughputExceededException}); a call that failed as a whole throws
     */
    List<String> put(String streamArn, List<Outgoing> records);
}

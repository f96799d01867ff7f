package org.openprofiles.export;

import org.openprofiles.model.ServiceException;
import org.openprofiles.service.EventDestinations;
import org.openprofiles.service.EventStreamService;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Whether a Kinesis data stream can take an event stream's records: DescribeStreamSummary by the stream's name (in
 * this account and region: where the client is; kinesalite knows names only), then the ARN it answers compared with
 * the one given, so a stream of another account or region with the same name is not taken for it.
 */
public final class KinesisDestinations implements EventDestinations {
    private final KinesisClient kinesis;

    public KinesisDestinations(KinesisClient kinesis) {
        this.kinesis = kinesis;
    }

    @Override
    public String problem(String streamArn) {
        StreamDescriptionSummary summary;
        try {
            summary = kinesis.describeStreamSummary(r -> r.streamName(EventStreamService.streamName(streamArn))).streamDescriptionSummary();
        } catch (ResourceNotFoundException e) {
            return "does not exist in this account and region";
        } catch (LimitExceededException e) {
            throw new ServiceException(ServiceException.Type.ThrottlingException, "Kinesis throttled the check of the Uri's stream; retry with backoff");
        }
        if (!streamArn.equals(summary.streamARN())) return "does not exist in this account and region";
        StreamStatus status = summary.streamStatus();
        if (status == StreamStatus.ACTIVE || status == StreamStatus.UPDATING) return null;
        return "is " + summary.streamStatusAsString() + ", not ACTIVE";
    }
}

package org.openprofiles.service;

/**
 * Where event streams deliver: Kinesis data streams, named by ARN. Implemented over the Kinesis API
 * ({@code export.KinesisDestinations}); the service only needs to know whether one can take records.
 */
@FunctionalInterface
public interface EventDestinations {
    /**
     * Why the stream cannot take records, in words that complete "The Kinesis data stream '<arn>' ..."
     * (e.g. "does not exist in this account and region"), or null when it can.
     *
     * @throws org.openprofiles.model.ServiceException ThrottlingException when Kinesis throttles the check
     */
    String problem(String streamArn);
}

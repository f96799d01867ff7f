package org.openprofiles.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class LocalKinesisTest {

    @Test
    void theSdksKinesisClientWritesAndReadsRecordsOnTheEmulatorsShards() {
        try (LocalKinesis kinesis = LocalKinesis.startEmulator()) {
            String arn = kinesis.createStream("orders", 2);
            assertTrue(arn.endsWith(":stream/orders"), arn);
            assertEquals(arn, kinesis.createStream("orders", 2), "creating it again finds the same stream");

            KinesisClient client = kinesis.client(); // the SDK's default protocol (CBOR), as users' code sends it
            PutRecordResponse put = client.putRecord(r -> r.streamName("orders").partitionKey("customer-1")
                    .data(SdkBytes.fromString("{\"ContactId\":\"c-1\"}", StandardCharsets.UTF_8)));
            String iterator = client.getShardIterator(r -> r.streamName("orders").shardId(put.shardId())
                    .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(put.sequenceNumber())).shardIterator();
            List<Record> records = client.getRecords(r -> r.shardIterator(iterator)).records();

            assertEquals(1, records.size());
            assertEquals("{\"ContactId\":\"c-1\"}", records.get(0).data().asUtf8String());
            assertEquals(put.sequenceNumber(), records.get(0).sequenceNumber());
            assertNotNull(records.get(0).approximateArrivalTimestamp(), "arrival time, which Lambda's Kinesis event carries");
            assertEquals(2, client.listShards(r -> r.streamName("orders")).shards().size());
        }
    }

    @Test
    void closingItStopsTheEmulator() {
        LocalKinesis kinesis = LocalKinesis.startEmulator();
        kinesis.createStream("gone", 1);
        KinesisClient other = KinesisClient.builder().endpointOverride(kinesis.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD))
                .build();
        kinesis.close();
        try (other) {
            assertThrows(SdkClientException.class, () -> other.listStreams(), "nothing listens after close");
        }
    }
}

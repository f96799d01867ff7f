package org.openprofiles.kinesis;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** DynamoDB Streams records (the SDK's GetRecords answer) as the {@link DynamodbEvent} Lambda's event source mapping delivers. */
final class DynamoDbStreamRecords {
    private DynamoDbStreamRecords() {}

    static DynamodbEvent event(String streamArn, List<Record> records) {
        List<DynamodbEvent.DynamodbStreamRecord> out = new ArrayList<>();
        for (Record record : records) {
            software.amazon.awssdk.services.dynamodb.model.StreamRecord sdk = record.dynamodb();
            StreamRecord stream = new StreamRecord()
                    .withKeys(lambda(sdk.keys()))
                    .withSequenceNumber(sdk.sequenceNumber())
                    .withSizeBytes(sdk.sizeBytes());
            if (sdk.streamViewType() != null && sdk.streamViewType() != software.amazon.awssdk.services.dynamodb.model.StreamViewType.UNKNOWN_TO_SDK_VERSION) {
                stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.valueOf(sdk.streamViewType().name()));
            }
            if (sdk.approximateCreationDateTime() != null) stream.setApproximateCreationDateTime(Date.from(creation(sdk.approximateCreationDateTime())));
            if (sdk.hasNewImage()) stream.setNewImage(lambda(sdk.newImage()));
            if (sdk.hasOldImage()) stream.setOldImage(lambda(sdk.oldImage()));
            DynamodbEvent.DynamodbStreamRecord lambdaRecord = new DynamodbEvent.DynamodbStreamRecord();
            lambdaRecord.setEventSourceARN(streamArn);
            lambdaRecord.setEventID(record.eventID());
            lambdaRecord.setEventName(record.eventNameAsString());
            lambdaRecord.setEventVersion(record.eventVersion());
            lambdaRecord.setEventSource(record.eventSource());
            lambdaRecord.setAwsRegion(record.awsRegion());
            lambdaRecord.setDynamodb(stream);
            out.add(lambdaRecord);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(out);
        return event;
    }

    /** Past this, a creation time was sent in milliseconds where the protocol has seconds. */
    private static final Instant NO_LATER_THAN = Instant.parse("3000-01-01T00:00:00Z");

    /**
     * DynamoDB Local 2.6.1 answers ApproximateCreationDateTime in epoch milliseconds where DynamoDB answers epoch
     * seconds, so the SDK reads a date tens of thousands of years ahead: read it as milliseconds then.
     */
    static Instant creation(Instant read) {
        if (read.isBefore(NO_LATER_THAN)) return read;
        return Instant.ofEpochMilli(read.getEpochSecond());
    }

    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> lambda(Map<String, AttributeValue> image) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new LinkedHashMap<>();
        image.forEach((name, value) -> out.put(name, lambda(value)));
        return out;
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue lambda(AttributeValue v) {
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (v.type()) {
            case S -> out.setS(v.s());
            case N -> out.setN(v.n());
            case B -> out.setB(ByteBuffer.wrap(v.b().asByteArray()));
            case SS -> out.setSS(v.ss());
            case NS -> out.setNS(v.ns());
            case BS -> out.setBS(v.bs().stream().map(b -> ByteBuffer.wrap(b.asByteArray())).toList());
            case M -> out.setM(lambda(v.m()));
            case L -> out.setL(v.l().stream().map(DynamoDbStreamRecords::lambda).toList());
            case BOOL -> out.setBOOL(v.bool());
            default -> out.setNULL(true);
        }
        return out;
    }
}

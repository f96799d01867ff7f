package org.openprofiles.export;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The table's change stream records (Lambda's {@link DynamodbEvent}, NEW_AND_OLD_IMAGES) as {@link Change}s: the
 * images read with the store's own item schemas. Records of other items (key values, shards, configuration, ...) are
 * left out: they never make an event.
 */
public final class StreamImages {
    private StreamImages() {}

    public static List<Change> changes(List<DynamodbEvent.DynamodbStreamRecord> records) {
        List<Change> changes = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            StreamRecord stream = record.getDynamodb();
            if (stream == null || stream.getKeys() == null || stream.getKeys().get(ProfilesTable.PARTITION_KEY) == null) continue;
            String pk = stream.getKeys().get(ProfilesTable.PARTITION_KEY).getS();
            StoreKeys.Kind kind = StoreKeys.kind(pk);
            if (kind == StoreKeys.Kind.OTHER) continue;
            Instant at = stream.getApproximateCreationDateTime() == null ? Instant.EPOCH : stream.getApproximateCreationDateTime().toInstant();
            Map<String, AttributeValue> before = sdk(stream.getOldImage());
            Map<String, AttributeValue> after = sdk(stream.getNewImage());
            String domain = StoreKeys.domainOf(pk);
            changes.add(kind == StoreKeys.Kind.PROFILE
                    ? Change.profile(stream.getSequenceNumber(), record.getEventID(), at, domain,
                            before == null ? null : ProfileItem.SCHEMA.mapToItem(before), after == null ? null : ProfileItem.SCHEMA.mapToItem(after))
                    : Change.object(stream.getSequenceNumber(), record.getEventID(), at, domain,
                            before == null ? null : ObjectItem.SCHEMA.mapToItem(before), after == null ? null : ObjectItem.SCHEMA.mapToItem(after)));
        }
        return changes;
    }

    /** An image (Lambda's event model) in the SDK's model, or null when the record has none. */
    static Map<String, AttributeValue> sdk(Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        if (image == null) return null;
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        image.forEach((name, value) -> out.put(name, sdk(value)));
        return out;
    }

    private static AttributeValue sdk(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
        if (v.getS() != null) return AttributeValue.fromS(v.getS());
        if (v.getN() != null) return AttributeValue.fromN(v.getN());
        if (v.getB() != null) return AttributeValue.fromB(bytes(v.getB()));
        if (v.getSS() != null) return AttributeValue.fromSs(v.getSS());
        if (v.getNS() != null) return AttributeValue.fromNs(v.getNS());
        if (v.getBS() != null) return AttributeValue.fromBs(v.getBS().stream().map(StreamImages::bytes).toList());
        if (v.getM() != null) return AttributeValue.fromM(sdk(v.getM()));
        if (v.getL() != null) return AttributeValue.fromL(v.getL().stream().map(StreamImages::sdk).toList());
        if (v.getBOOL() != null) return AttributeValue.fromBool(v.getBOOL());
        return AttributeValue.fromNul(true);
    }

    private static SdkBytes bytes(ByteBuffer buffer) {
        return SdkBytes.fromByteBuffer(buffer.duplicate());
    }
}

package org.openprofiles.store.ingest;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.ProfileStore.ReorderStep;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Brings objects written by earlier versions into ListProfileObjects' order (most recently written first). Those
 * objects' index sort key is their bare unique key ({@link StoreKeys#unordered}): they are still listed, after every
 * object written since, in the order of their keys. A step scans one page of the table and gives each such object
 * the sort key of its last write ({@code updatedAt}), conditioned on the key it read: an object a put rewrote
 * meanwhile already has its new key and stays as the put left it. Steps resume from a cursor, so a run that stops is
 * continued, and running it again over a migrated table changes nothing.
 */
public final class ObjectOrder {
    private final DynamoCalls calls;

    public ObjectOrder(DynamoCalls calls) {
        this.calls = calls;
    }

    /** One page of at most {@code pageSize} scanned items (strongly consistent) from {@code cursor} (null: the start). */
    public ReorderStep step(String cursor, int pageSize, Deadline deadline) {
        // Objects (the only items with a unique key and an index sort key not written in the newest-first format).
        ScanResponse page = calls.scan(ScanRequest.builder()
                .filterExpression("attribute_exists(#uk) AND attribute_exists(#gs) AND attribute_exists(#u) AND NOT begins_with(#gs, :new)")
                .projectionExpression("#pk, #uk, #gs, #u")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#uk", "uniqueKey", "#gs", ProfilesTable.INDEX_SORT_KEY,
                        "#u", "updatedAt"))
                .expressionAttributeValues(Map.of(":new", s(StoreKeys.newestFirst(0, "").substring(0, 1))))
                .limit(pageSize)
                .consistentRead(true)
                .exclusiveStartKey(cursor == null ? null : itemKey(cursor)), deadline);
        int reordered = 0;
        for (Map<String, AttributeValue> item : page.items()) {
            String old = item.get(ProfilesTable.INDEX_SORT_KEY).s();
            if (!StoreKeys.unordered(old)) continue;
            long writtenAtMillis = Long.parseLong(item.get("updatedAt").n()) * 1000;
            DynamoCalls.ItemWrite write = calls.update(UpdateItemRequest.builder()
                    .key(itemKey(item.get(ProfilesTable.PARTITION_KEY).s()))
                    .updateExpression("SET #gs = :ordered")
                    .conditionExpression("#gs = :old")
                    .expressionAttributeNames(Map.of("#gs", ProfilesTable.INDEX_SORT_KEY))
                    .expressionAttributeValues(Map.of(":old", s(old), ":ordered",
                            s(StoreKeys.newestFirst(writtenAtMillis, item.get("uniqueKey").s())))), deadline);
            if (write.written()) reordered++;
        }
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey().get(ProfilesTable.PARTITION_KEY).s() : null;
        return new ReorderStep(reordered, next);
    }
}

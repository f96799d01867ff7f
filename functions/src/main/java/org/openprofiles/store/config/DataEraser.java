package org.openprofiles.store.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Erases a deleted domain's or object type's items in bounded steps: one step scans one page of the
 * table (the table has no sort key and no index by domain, so a filtered Scan is how a domain's
 * items are found; see docs/data-model.md) and deletes what matched. The page's last key is the
 * checkpoint the next step starts from, so a failed step is simply run again. Its calls go through the call layer,
 * ended by the worker's deadline.
 */
public final class DataEraser {
    /** Rounds for unprocessed deletes (throttling) before the step fails. */
    static final int MAX_ROUNDS = 10;

    /**
     * @param deleted    items deleted by this step
     * @param nextCursor where the next step starts, or null when the scan reached the end of the table
     */
    public record Step(int deleted, String nextCursor) {}

    private final DynamoCalls calls;

    public DataEraser(DynamoDbClient dynamo, String tableName) {
        this.calls = new DynamoCalls(dynamo, tableName);
    }

    /** The key prefixes an erasure removes: a whole domain (data and object type items), or one type's objects. */
    public static List<String> prefixes(ErasureJob job) {
        return job.wholeDomain()
                ? List.of(StoreKeys.domain(job.domainName()), ConfigItems.typesPrefix(job.domainName()))
                : List.of(StoreKeys.object(job.domainName(), job.typeName(), ""));
    }

    /** One step: a page of at most {@code pageSize} scanned items, strongly consistent, from {@code cursor}. */
    public Step step(List<String> prefixes, String cursor, int pageSize, Deadline deadline) {
        Map<String, String> names = Map.of("#pk", ProfilesTable.PARTITION_KEY);
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < prefixes.size(); i++) {
            terms.add("begins_with(#pk, :p" + i + ")");
            values.put(":p" + i, AttributeValue.fromS(prefixes.get(i)));
        }
        ScanResponse page = calls.scan(ScanRequest.builder()
                .filterExpression(String.join(" OR ", terms))
                .projectionExpression("#pk")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .limit(pageSize)
                .consistentRead(true)
                .exclusiveStartKey(cursor == null ? null : DynamoCalls.itemKey(cursor)), deadline);
        List<String> pks = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) pks.add(item.get(ProfilesTable.PARTITION_KEY).s());
        delete(pks, deadline);
        String next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey().get(ProfilesTable.PARTITION_KEY).s() : null;
        return new Step(pks.size(), next);
    }

    /** Deletes through the store's one BatchWriteItem path: unprocessed deletes written again with backoff, bounded. */
    private void delete(List<String> pks, Deadline deadline) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (String pk : pks) deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(DynamoCalls.itemKey(pk)).build()).build());
        calls.batchWrite(deletes, deadline, MAX_ROUNDS, DynamoCalls.UNPROCESSED_BACKOFF);
    }
}

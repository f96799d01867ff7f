package org.openprofiles.benchmark;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Counts the read and write request units real DynamoDB would bill for each call a handler makes,
 * from the items the call touches: each item written is read (bare, strongly consistent) right
 * before and right after the call, each item read right after it, and sized by DynamoDB's rules
 * ({@link #size}). DynamoDB Local does not bill as DynamoDB does (its transactions are its own
 * accounting), so its own ConsumedCapacity is only kept beside ours, for comparison.
 *
 * <ul>
 *   <li>A write: 1 unit per started KB of the larger of the item before and after (a condition that
 *       fails still consumes), 2 in a transaction; a transaction's ConditionCheck 2 per KB of the item.
 *       Plus the index: the item is in {@code objectsByProfile} (projection ALL) when it has both index
 *       keys; an entry put, changed or removed costs 1 unit per KB of it, a changed index key 2 writes
 *       (the old entry removed, the new one put). DynamoDB propagates a transaction to its indexes after
 *       it commits: the index writes are standard writes.</li>
 *   <li>A read: per item, 1 unit per started 4 KB when strongly consistent, half when eventually
 *       consistent; an item that does not exist still costs the minimum. A Query sums the items it reads
 *       (before any filter or projection, found by running its key condition again, bare) and rounds
 *       the sum up to 4 KB once.</li>
 * </ul>
 */
final class RequestUnits implements ExecutionInterceptor {
    private static final ExecutionAttribute<Map<String, Map<String, AttributeValue>>> BEFORE = new ExecutionAttribute<>("itemsBefore");

    private final DynamoDbClient bare;
    private final String table;

    /** Units counted since {@link #reset}: ours, and DynamoDB Local's own figure. */
    double read;
    double write;
    double localRead;
    double localWrite;
    int calls;
    int failedCalls;

    RequestUnits(DynamoDbClient bare, String table) {
        this.bare = bare;
        this.table = table;
    }

    void reset() {
        read = write = localRead = localWrite = 0;
        calls = failedCalls = 0;
    }

    /** An item a write touches: its key, the units per KB (2 in a transaction), whether it is written or only checked. */
    record Touch(String pk, int perKb, boolean written) {}

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Map<String, Map<String, AttributeValue>> before = new HashMap<>();
        for (Touch touch : touches(context.request())) before.put(touch.pk(), item(touch.pk()));
        attributes.putAttribute(BEFORE, before);
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (r instanceof GetItemRequest g) return g.toBuilder().returnConsumedCapacity(total).build();
        if (r instanceof BatchGetItemRequest g) return g.toBuilder().returnConsumedCapacity(total).build();
        if (r instanceof QueryRequest q) return q.toBuilder().returnConsumedCapacity(total).build();
        if (r instanceof PutItemRequest p) return p.toBuilder().returnConsumedCapacity(total).build();
        if (r instanceof UpdateItemRequest u) return u.toBuilder().returnConsumedCapacity(total).build();
        if (r instanceof DeleteItemRequest d) return d.toBuilder().returnConsumedCapacity(total).build();
        if (r instanceof BatchWriteItemRequest b) return b.toBuilder().returnConsumedCapacity(total).build();
        if (r instanceof TransactWriteItemsRequest t) return t.toBuilder().returnConsumedCapacity(total).build();
        throw new IllegalStateException("request units of " + r.getClass().getSimpleName() + " are not counted");
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        count(context.request(), attributes);
        boolean isWrite = !touches(context.request()).isEmpty();
        for (ConsumedCapacity capacity : consumed(context.response())) {
            if (isWrite) localWrite += capacity.capacityUnits();
            else localRead += capacity.capacityUnits();
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        failedCalls++;
        count(context.request(), attributes);
    }

    private void count(SdkRequest request, ExecutionAttributes attributes) {
        calls++;
        List<Touch> touches = touches(request);
        if (touches.isEmpty()) {
            read += readUnits(request);
            return;
        }
        Map<String, Map<String, AttributeValue>> before = attributes.getAttribute(BEFORE);
        for (Touch touch : touches) {
            Map<String, AttributeValue> old = before.get(touch.pk());
            Map<String, AttributeValue> now = touch.written() ? item(touch.pk()) : old;
            write += touch.perKb() * kb(Math.max(size(old), size(now)), 1024);
            if (touch.written()) write += indexUnits(old, now);
        }
    }

    /** Standard writes to the index for an item going from {@code old} to {@code now} (null: absent). */
    static int indexUnits(Map<String, AttributeValue> old, Map<String, AttributeValue> now) {
        boolean wasIndexed = indexed(old);
        boolean isIndexed = indexed(now);
        if (!wasIndexed && !isIndexed || java.util.Objects.equals(old, now)) return 0;
        if (!wasIndexed) return kb(size(now), 1024);
        if (!isIndexed) return kb(size(old), 1024);
        boolean keyChanged = !old.get(ProfilesTable.INDEX_PARTITION_KEY).equals(now.get(ProfilesTable.INDEX_PARTITION_KEY))
                || !old.get(ProfilesTable.INDEX_SORT_KEY).equals(now.get(ProfilesTable.INDEX_SORT_KEY));
        return keyChanged ? kb(size(old), 1024) + kb(size(now), 1024) : kb(Math.max(size(old), size(now)), 1024);
    }

    static boolean indexed(Map<String, AttributeValue> item) {
        return item != null && item.containsKey(ProfilesTable.INDEX_PARTITION_KEY) && item.containsKey(ProfilesTable.INDEX_SORT_KEY);
    }

    private double readUnits(SdkRequest request) {
        double units = 0;
        if (request instanceof GetItemRequest g) {
            units = readUnits(size(item(g.key().get(ProfilesTable.PARTITION_KEY).s())), Boolean.TRUE.equals(g.consistentRead()));
        } else if (request instanceof BatchGetItemRequest g) {
            for (KeysAndAttributes keys : g.requestItems().values()) {
                for (Map<String, AttributeValue> key : keys.keys()) {
                    units += readUnits(size(item(key.get(ProfilesTable.PARTITION_KEY).s())), Boolean.TRUE.equals(keys.consistentRead()));
                }
            }
        } else if (request instanceof QueryRequest q) {
            long bytes = 0;
            for (Map<String, AttributeValue> item : bare.query(keyConditionOnly(q)).items()) bytes += size(item);
            units = readUnits(bytes, Boolean.TRUE.equals(q.consistentRead()));
        }
        return units;
    }

    static double readUnits(long bytes, boolean consistent) {
        return kb(bytes, 4096) * (consistent ? 1.0 : 0.5);
    }

    /** The same Query without filter, projection or Select: the items DynamoDB reads (and bills) for it. */
    static QueryRequest keyConditionOnly(QueryRequest q) {
        String condition = q.keyConditionExpression();
        Map<String, String> names = new HashMap<>();
        q.expressionAttributeNames().forEach((k, v) -> { if (mentions(condition, k)) names.put(k, v); });
        Map<String, AttributeValue> values = new HashMap<>();
        q.expressionAttributeValues().forEach((k, v) -> { if (mentions(condition, k)) values.put(k, v); });
        return QueryRequest.builder().tableName(q.tableName()).indexName(q.indexName()).keyConditionExpression(condition)
                .expressionAttributeNames(names.isEmpty() ? null : names).expressionAttributeValues(values.isEmpty() ? null : values)
                .exclusiveStartKey(q.exclusiveStartKey().isEmpty() ? null : q.exclusiveStartKey()).limit(q.limit())
                .scanIndexForward(q.scanIndexForward()).consistentRead(q.consistentRead()).build();
    }

    private static boolean mentions(String expression, String placeholder) {
        return Pattern.compile(Pattern.quote(placeholder) + "(?![A-Za-z0-9_])").matcher(expression).find();
    }

    /** The items a write touches (none for a read). */
    static List<Touch> touches(SdkRequest request) {
        List<Touch> touches = new ArrayList<>();
        if (request instanceof PutItemRequest p) touches.add(new Touch(pk(p.item()), 1, true));
        if (request instanceof UpdateItemRequest u) touches.add(new Touch(pk(u.key()), 1, true));
        if (request instanceof DeleteItemRequest d) touches.add(new Touch(pk(d.key()), 1, true));
        if (request instanceof BatchWriteItemRequest b) {
            for (List<WriteRequest> writes : b.requestItems().values()) {
                for (WriteRequest w : writes) touches.add(new Touch(pk(w.putRequest() != null ? w.putRequest().item() : w.deleteRequest().key()), 1, true));
            }
        }
        if (request instanceof TransactWriteItemsRequest t) {
            for (TransactWriteItem i : t.transactItems()) {
                if (i.put() != null) touches.add(new Touch(pk(i.put().item()), 2, true));
                if (i.update() != null) touches.add(new Touch(pk(i.update().key()), 2, true));
                if (i.delete() != null) touches.add(new Touch(pk(i.delete().key()), 2, true));
                if (i.conditionCheck() != null) touches.add(new Touch(pk(i.conditionCheck().key()), 2, false));
            }
        }
        return touches;
    }

    private static String pk(Map<String, AttributeValue> item) {
        return item.get(ProfilesTable.PARTITION_KEY).s();
    }

    private Map<String, AttributeValue> item(String pk) {
        Map<String, AttributeValue> item = bare.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(ProfilesTable.PARTITION_KEY, AttributeValue.fromS(pk)))).item();
        return item.isEmpty() ? null : item;
    }

    private static List<ConsumedCapacity> consumed(SdkResponse response) {
        if (response instanceof GetItemResponse r) return r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity());
        if (response instanceof QueryResponse r) return r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity());
        if (response instanceof PutItemResponse r) return r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity());
        if (response instanceof UpdateItemResponse r) return r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity());
        if (response instanceof DeleteItemResponse r) return r.consumedCapacity() == null ? List.of() : List.of(r.consumedCapacity());
        if (response instanceof BatchGetItemResponse r) return r.consumedCapacity();
        if (response instanceof BatchWriteItemResponse r) return r.consumedCapacity();
        if (response instanceof TransactWriteItemsResponse r) return r.consumedCapacity();
        return List.of();
    }

    /** Started units of {@code unit} bytes; at least one (an absent item costs the minimum). */
    static int kb(long bytes, int unit) {
        return (int) Math.max(1, (bytes + unit - 1) / unit);
    }

    /** An item's size by DynamoDB's rules ("Item sizes and formats"): each attribute's name and value; 0 for no item. */
    static long size(Map<String, AttributeValue> item) {
        if (item == null) return 0;
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) bytes += utf8(attribute.getKey()) + size(attribute.getValue());
        return bytes;
    }

    static long size(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8(value.s());
            case N -> number(value.n());
            case B -> value.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> value.ss().stream().mapToLong(RequestUnits::utf8).sum();
            case NS -> value.ns().stream().mapToLong(RequestUnits::number).sum();
            case BS -> value.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
            // 3 bytes per list or map, 1 per element, and each element (a map's with its name).
            case L -> 3 + value.l().stream().mapToLong(v -> 1 + size(v)).sum();
            case M -> 3 + value.m().entrySet().stream().mapToLong(e -> 1 + utf8(e.getKey()) + size(e.getValue())).sum();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalStateException("unknown attribute type");
        };
    }

    /** About 1 byte per two significant digits, plus 1. */
    static long number(String n) {
        String digits = new BigDecimal(n).abs().stripTrailingZeros().unscaledValue().toString();
        return (digits.length() + 1) / 2 + 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

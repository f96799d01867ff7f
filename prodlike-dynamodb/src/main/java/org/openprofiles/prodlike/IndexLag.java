package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Answers.withMembers;
import static org.openprofiles.prodlike.Reads.consistent;
import static org.openprofiles.prodlike.Reads.project;
import static org.openprofiles.prodlike.Reads.projectedNames;
import static org.openprofiles.prodlike.Reads.tableOf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openprofiles.prodlike.ItemKeys.ItemId;
import org.openprofiles.prodlike.RecentWrites.Write;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * <b>Index lag</b>, N = {@code indexLagMs} (0 = off). While it is on, the proxy remembers,
 * per item (identified as for conflicts: database, table name, primary key values), when the
 * upstream answered 200 to a write of it: PutItem, UpdateItem, DeleteItem; each put and delete
 * of a BatchWriteItem that was processed (forwarded, and not in the upstream's
 * {@code UnprocessedItems}); each Put, Update and Delete of a TransactWriteItems (not a
 * ConditionCheck). A write whose response is then dropped counts: it committed. Writes made
 * while the rule is off are not remembered. Each write first reads its items' pre-images, as
 * for stale reads. A Query or Scan that names an {@code IndexName} (without
 * {@code ConsistentRead=true}, which only a local secondary index accepts, and reads strongly)
 * shows, for every item written less than N ms before its answer, the index as it was before
 * that write: the item's pre-image when it was in this read's result (for a Query, its key
 * condition held; for a Scan, it had the index's key attributes), projected as the index
 * projects (ALL, KEYS_ONLY, INCLUDE, from DescribeTable) and then as the read asks; otherwise
 * the item is left out. So an updated item shows its old attributes, an item created or moved
 * in (its index key changed) is missing, and an item deleted or moved out is still there: such
 * an item, not in the upstream's answer, is added at the end of the page when the page is the
 * last ({@code LastEvaluatedKey} absent), the read is not a segment of a parallel Scan, and a
 * consistent GetItem upstream shows its current version is not in the result (else it is on
 * another page). {@code Count} is matched; {@code ScannedCount} and {@code LastEvaluatedKey}
 * stay as the upstream gave them; added items are not in index order and may exceed a
 * {@code Limit}. With a {@code FilterExpression} (or a legacy QueryFilter, ScanFilter,
 * KeyConditions), an unreadable key condition, or an index the upstream does not describe, the
 * proxy cannot tell whether a pre-image belongs: recent writes are only left out, nothing
 * shown or added. Items are matched by the table's key attributes: a
 * {@code ProjectionExpression} that leaves them out gets them added before forwarding
 * ({@code #prodlikeKey0}...) and taken out of the answer. A legacy {@code AttributesToGet}
 * without them, and a {@code Select=COUNT} answer (no Items), are not changed. Requests without
 * {@code IndexName} are not changed by this rule (see stale reads). Remembered writes older
 * than the lag are dropped as the memory grows.
 */
final class IndexLag {
    /** Index schemas by database, table and index name. */
    private final ConcurrentMap<String, IndexSchema> indexSchemas = new ConcurrentHashMap<>();
    private final ItemKeys keys;
    private final RecentWrites recentWrites;
    private final Upstream upstream;
    private final Counters counters;

    IndexLag(ItemKeys keys, RecentWrites recentWrites, Upstream upstream, Counters counters) {
        this.keys = keys;
        this.recentWrites = recentWrites;
        this.upstream = upstream;
        this.counters = counters;
    }

    /** An index's key attribute names and what it projects: ALL, KEYS_ONLY or INCLUDE (with nonKey). */
    private record IndexSchema(List<String> keys, String projection, Set<String> nonKey) {}

    /** A Query or Scan of an index that may lag: names an IndexName, and is not a strongly consistent (local index) read. */
    static boolean laggingIndexRead(String operation, JsonNode body, Rules rules) {
        return rules.indexLagMs() > 0 && (operation.equals("Query") || operation.equals("Scan"))
                && Json.string(Json.field(body, "IndexName").orElse(null)) != null && !consistent(body);
    }

    /** The table's key attributes an index read's ProjectionExpression leaves out (the lag needs them to tell items apart). */
    List<String> keysLeftOut(JsonNode body, HttpWire.Request request) {
        Set<String> projected = projectedNames(body);
        if (projected == null || Json.string(Json.field(body, "ProjectionExpression").orElse(null)) == null) return List.of();
        List<String> tableKeys = keys.keyNames(ItemKeys.database(request), tableOf(body), request);
        if (tableKeys == null) return List.of();
        return tableKeys.stream().filter(name -> !projected.contains(name)).toList();
    }

    /** The request with {@code added} attributes projected too (as #prodlikeKey0, #prodlikeKey1...). */
    static byte[] withProjected(JsonNode body, List<String> added) {
        StringBuilder names = new StringBuilder("{");
        Map<String, JsonNode> aliases = Json.object(Json.field(body, "ExpressionAttributeNames").orElse(null));
        if (aliases != null) aliases.forEach((alias, name) -> appendMember(names, alias, Json.string(name)));
        StringBuilder projection = new StringBuilder(Json.string(Json.field(body, "ProjectionExpression").orElseThrow()));
        for (int i = 0; i < added.size(); i++) {
            projection.append(", #prodlikeKey").append(i);
            appendMember(names, "#prodlikeKey" + i, added.get(i));
        }
        Map<String, String> changes = new HashMap<>();
        changes.put("ProjectionExpression", Json.quote(projection.toString()));
        changes.put("ExpressionAttributeNames", names.append('}').toString());
        return withMembers(body, changes).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendMember(StringBuilder object, String name, String text) {
        if (object.length() > 1) object.append(',');
        Json.quote(name, object);
        object.append(':');
        Json.quote(text, object);
    }

    /**
     * Query and Scan of an index read eventually consistently: an item written less than indexLagMs
     * ago shows its version before the write when that version was in the index for this read, and
     * is left out otherwise; an item whose older version was in it and whose current one is not
     * (deleted, or moved out) is added. {@code keysAdded} are taken out of every item again.
     */
    Map<String, String> laggingIndex(JsonNode body, JsonNode answer, String database, HttpWire.Request request,
            long now, Rules rules, List<String> keysAdded) {
        long lagNanos = TimeUnit.MILLISECONDS.toNanos(rules.indexLagMs());
        List<JsonNode> items = Json.array(Json.field(answer, "Items").orElse(null));
        if (lagNanos <= 0 || items == null) return null;
        String table = tableOf(body);
        Predicate<JsonNode> inIndex = indexTest(body, database, request);
        List<String> shown = new ArrayList<>(items.size());
        Set<ItemId> answered = new HashSet<>();
        int hidden = 0;
        int older = 0;
        for (JsonNode item : items) {
            ItemId id = keys.fromItem(database, table, item, request);
            answered.add(id);
            Write write = id == null ? null : recentWrites.get(id);
            if (write == null || now - write.at() >= lagNanos) {
                shown.add(without(item, keysAdded));
            } else if (inIndex != null && write.beforeKnown() && write.before() != null && inIndex.test(write.before())) {
                shown.add(asIndexShows(write.before(), body, database, request));
                older++;
            } else {
                hidden++;
            }
        }
        // Items the index still shows though the table no longer has them there: on the last page only
        // (no LastEvaluatedKey), not in a segment of a parallel Scan, each checked against its current version.
        if (inIndex != null && Json.field(answer, "LastEvaluatedKey").isEmpty() && Json.field(body, "TotalSegments").isEmpty()) {
            for (Map.Entry<ItemId, Write> recent : recentWrites.entries()) {
                ItemId id = recent.getKey();
                Write write = recent.getValue();
                if (!id.database().equals(database) || !id.table().equals(table) || answered.contains(id) || now - write.at() >= lagNanos
                        || !write.beforeKnown() || write.before() == null || !inIndex.test(write.before())) {
                    continue;
                }
                Optional<JsonNode> current = currentItem(write.before(), table, database, request);
                if (current == null || (current.isPresent() && inIndex.test(current.get()))) continue; // unknown, or on another page
                shown.add(asIndexShows(write.before(), body, database, request));
                older++;
            }
        }
        if (hidden == 0 && older == 0 && keysAdded.isEmpty()) return null;
        counters.indexItemsHidden.add(hidden);
        counters.indexItemsOlder.add(older);
        return Map.of("Items", "[" + String.join(",", shown) + "]", "Count", Integer.toString(shown.size()));
    }

    /**
     * Whether an item version is one this index read returns: for a Query its key condition holds,
     * for a Scan it has the index's key attributes. Null (then older versions are never shown, only
     * recent writes left out) when that cannot be told: a filter, a legacy KeyConditions, an index
     * the upstream does not describe.
     */
    private Predicate<JsonNode> indexTest(JsonNode body, String database, HttpWire.Request request) {
        for (String filter : List.of("FilterExpression", "QueryFilter", "ScanFilter", "KeyConditions")) {
            if (Json.field(body, filter).isPresent()) return null;
        }
        IndexSchema schema = indexSchema(database, tableOf(body), Json.string(Json.field(body, "IndexName").orElse(null)), request);
        if (schema == null) return null;
        Predicate<JsonNode> hasKeys = item -> schema.keys().stream().allMatch(name -> Json.field(item, name).isPresent());
        if (Json.field(body, "KeyConditionExpression").isEmpty()) return hasKeys;
        Predicate<JsonNode> condition = KeyCondition.of(body);
        return condition == null ? null : hasKeys.and(condition);
    }

    /** An older version as the index read shows it: the index's projection, then the read's own. */
    private String asIndexShows(JsonNode item, JsonNode body, String database, HttpWire.Request request) {
        IndexSchema schema = indexSchema(database, tableOf(body), Json.string(Json.field(body, "IndexName").orElse(null)), request);
        List<String> tableKeys = keys.keyNames(database, tableOf(body), request);
        StringBuilder indexed = new StringBuilder("{");
        for (Map.Entry<String, JsonNode> attribute : item.asObject().entrySet()) {
            String name = attribute.getKey();
            boolean projected = schema.projection().equals("ALL") || schema.keys().contains(name)
                    || (tableKeys != null && tableKeys.contains(name)) || schema.nonKey().contains(name);
            if (!projected) continue;
            if (indexed.length() > 1) indexed.append(',');
            Json.quote(name, indexed);
            indexed.append(':');
            Json.write(attribute.getValue(), indexed);
        }
        return project(Json.parseObject(indexed.append('}').toString().getBytes(StandardCharsets.UTF_8)), body);
    }

    /** The item as JSON without the named attributes. */
    private static String without(JsonNode item, List<String> names) {
        if (names.isEmpty()) return new String(Json.bytes(item), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, JsonNode> attribute : item.asObject().entrySet()) {
            if (names.contains(attribute.getKey())) continue;
            if (out.length() > 1) out.append(',');
            Json.quote(attribute.getKey(), out);
            out.append(':');
            Json.write(attribute.getValue(), out);
        }
        return out.append('}').toString();
    }

    /** The item with the same key as {@code version}, read consistently upstream: empty if there is none, null if the read failed. */
    private Optional<JsonNode> currentItem(JsonNode version, String table, String database, HttpWire.Request request) {
        List<String> tableKeys = keys.keyNames(database, table, request);
        if (tableKeys == null) return null;
        StringBuilder read = new StringBuilder("{\"TableName\":");
        Json.quote(table, read);
        read.append(",\"ConsistentRead\":true,\"Key\":{");
        for (String name : tableKeys) {
            if (read.charAt(read.length() - 1) != '{') read.append(',');
            Json.quote(name, read);
            read.append(':');
            Json.write(Json.field(version, name).orElseThrow(), read);
        }
        JsonNode answer = upstream.call("GetItem", read.append("}}").toString(), request);
        return answer == null ? null : Json.field(answer, "Item");
    }

    /** An index's schema, from the upstream's DescribeTable of its table (cached); null when it cannot say. */
    private IndexSchema indexSchema(String database, String table, String index, HttpWire.Request request) {
        String cacheKey = database + "\u0000" + table + "\u0000" + index;
        IndexSchema cached = indexSchemas.get(cacheKey);
        if (cached != null || table == null || index == null) return cached;
        JsonNode description = Json.field(upstream.call("DescribeTable", "{\"TableName\":" + Json.quote(table) + "}", request), "Table").orElse(null);
        for (String kind : List.of("GlobalSecondaryIndexes", "LocalSecondaryIndexes")) {
            List<JsonNode> indexes = Json.array(Json.field(description, kind).orElse(null));
            for (JsonNode described : indexes == null ? List.<JsonNode>of() : indexes) {
                List<String> indexKeys = new ArrayList<>();
                List<JsonNode> schema = Json.array(Json.field(described, "KeySchema").orElse(null));
                for (JsonNode element : schema == null ? List.<JsonNode>of() : schema) {
                    indexKeys.add(Json.string(Json.field(element, "AttributeName").orElse(null)));
                }
                JsonNode projection = Json.field(described, "Projection").orElse(null);
                Set<String> nonKey = new HashSet<>();
                List<JsonNode> included = Json.array(Json.field(projection, "NonKeyAttributes").orElse(null));
                for (JsonNode name : included == null ? List.<JsonNode>of() : included) nonKey.add(Json.string(name));
                String type = Json.string(Json.field(projection, "ProjectionType").orElse(null));
                indexSchemas.put(database + "\u0000" + table + "\u0000" + Json.string(Json.field(described, "IndexName").orElse(null)),
                        new IndexSchema(List.copyOf(indexKeys), type == null ? "ALL" : type, Set.copyOf(nonKey)));
            }
        }
        return indexSchemas.get(cacheKey);
    }
}

package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Reads.consistent;
import static org.openprofiles.prodlike.Reads.project;
import static org.openprofiles.prodlike.Reads.tableOf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openprofiles.prodlike.ItemKeys.ItemId;
import org.openprofiles.prodlike.Reads.Older;
import org.openprofiles.prodlike.RecentWrites.Write;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * <b>Stale reads</b>, S = {@code staleReadMs} (0 = off): an eventually consistent read of the
 * base table (GetItem, BatchGetItem per table, Query and Scan without {@code IndexName}; all
 * without {@code ConsistentRead=true}) shows, for an item written less than S ms before its
 * answer, the version before that write: an updated item its old attributes, an item created
 * then is missing, an item deleted then is still there (GetItem, BatchGetItem). To know the
 * version before, the proxy reads the items each write touches (PutItem, UpdateItem,
 * DeleteItem, BatchWriteItem, TransactWriteItems but its ConditionChecks) just before forwarding
 * it, with one consistent BatchGetItem upstream in the caller's name (its Authorization header,
 * as for DescribeTable): the pre-image. Remembered as for the index lag; a write made while no
 * rule needs pre-images has none and changes no read. The old version is projected by the
 * read's ProjectionExpression (or AttributesToGet) at the top level: a nested path keeps its
 * whole top-level attribute. Query and Scan answers have their {@code Count} matched; they never
 * bring back an item deleted (the proxy cannot evaluate a key condition or filter on it).
 * Consistent reads are never changed. The SDK sees an ordinary 200.
 *
 * <p>An item a transaction in flight holds may show an older version too ({@link TornReads}): both
 * rules rewrite the answer here.
 */
final class StaleReads {
    private final ItemKeys keys;
    private final RecentWrites recentWrites;
    private final TornReads tornReads;
    private final Counters counters;

    StaleReads(ItemKeys keys, RecentWrites recentWrites, TornReads tornReads, Counters counters) {
        this.keys = keys;
        this.recentWrites = recentWrites;
        this.tornReads = tornReads;
        this.counters = counters;
    }

    /**
     * What a read of an item on the base table shows instead of what the upstream read, or null:
     * one half of a transaction being applied (tornReads), else, for an eventually consistent
     * read, the version before a write less than staleReadMs old.
     */
    private Older olderVersion(ItemId id, boolean consistentRead, long now, Rules rules) {
        if (id == null) return null;
        if (rules.tornReads()) {
            Older torn = tornReads.older(id);
            if (torn != null) return torn;
        }
        if (consistentRead || rules.staleReadMs() <= 0) return null;
        Write write = recentWrites.get(id);
        if (write == null || !write.beforeKnown() || now - write.at() >= TimeUnit.MILLISECONDS.toNanos(rules.staleReadMs())) return null;
        return new Older(write.before());
    }

    /** GetItem: the item's older version, if it has one; null when the answer stays. */
    Map<String, String> getItem(JsonNode body, String database, long now, Rules rules) {
        Older older = olderVersion(keys.fromKey(database, tableOf(body), Json.field(body, "Key").orElse(null)),
                consistent(body), now, rules);
        if (older == null) return null;
        Map<String, String> changes = new HashMap<>();
        changes.put("Item", older.item() == null ? null : project(older.item(), body));
        counters.olderItems.increment();
        return changes;
    }

    /** Query and Scan of the base table: an item with an older version shows it (or is left out); deleted items do not come back. */
    Map<String, String> olderQueryItems(JsonNode body, JsonNode answer, String database, HttpWire.Request request,
            long now, Rules rules) {
        List<JsonNode> items = Json.array(Json.field(answer, "Items").orElse(null));
        if (items == null || items.isEmpty()) return null;
        List<String> shown = new ArrayList<>();
        int changed = 0;
        for (JsonNode item : items) {
            Older older = olderVersion(keys.fromItem(database, tableOf(body), item, request), consistent(body), now, rules);
            if (older != null) changed++;
            if (older == null) shown.add(new String(Json.bytes(item), StandardCharsets.UTF_8));
            else if (older.item() != null) shown.add(project(older.item(), body));
        }
        if (changed == 0) return null;
        counters.olderItems.add(changed);
        return Map.of("Items", "[" + String.join(",", shown) + "]", "Count", Integer.toString(shown.size()));
    }

    /** BatchGetItem: each requested key (not unprocessed) with an older version shows it, per table's ConsistentRead. */
    Map<String, String> olderBatchItems(JsonNode body, JsonNode answer, String database, HttpWire.Request request,
            long now, Rules rules) {
        Map<String, JsonNode> requested = Json.object(Json.field(body, "RequestItems").orElse(null));
        if (requested == null) return null;
        Map<String, JsonNode> responses = Json.object(Json.field(answer, "Responses").orElse(null));
        Map<String, JsonNode> unprocessedKeys = Json.object(Json.field(answer, "UnprocessedKeys").orElse(null));
        Map<String, Map<Object, String>> shown = new LinkedHashMap<>();
        if (responses != null) {
            responses.forEach((table, items) -> {
                Map<Object, String> tableItems = shown.computeIfAbsent(table, t -> new LinkedHashMap<>());
                List<JsonNode> list = Json.array(items);
                for (JsonNode item : list == null ? List.<JsonNode>of() : list) {
                    ItemId id = keys.fromItem(database, table, item, request);
                    tableItems.put(id == null ? new Object() : id, new String(Json.bytes(item), StandardCharsets.UTF_8));
                }
            });
        }
        int changed = 0;
        for (Map.Entry<String, JsonNode> table : requested.entrySet()) {
            Set<ItemId> unprocessedIds = new HashSet<>();
            List<JsonNode> skipped = Json.array(Json.field(unprocessedKeys == null ? null : unprocessedKeys.get(table.getKey()), "Keys").orElse(null));
            for (JsonNode key : skipped == null ? List.<JsonNode>of() : skipped) unprocessedIds.add(keys.fromKey(database, table.getKey(), key));
            List<JsonNode> tableKeys = Json.array(Json.field(table.getValue(), "Keys").orElse(null));
            for (JsonNode key : tableKeys == null ? List.<JsonNode>of() : tableKeys) {
                ItemId id = keys.fromKey(database, table.getKey(), key);
                if (unprocessedIds.contains(id)) continue;
                Older older = olderVersion(id, consistent(table.getValue()), now, rules);
                if (older == null) continue;
                changed++;
                Map<Object, String> tableItems = shown.computeIfAbsent(table.getKey(), t -> new LinkedHashMap<>());
                tableItems.remove(id);
                if (older.item() != null) tableItems.put(id, project(older.item(), table.getValue()));
            }
        }
        if (changed == 0) return null;
        counters.olderItems.add(changed);
        StringBuilder out = new StringBuilder("{");
        shown.forEach((table, items) -> {
            if (out.length() > 1) out.append(',');
            Json.quote(table, out);
            out.append(":[").append(String.join(",", items.values())).append(']');
        });
        return Map.of("Responses", out.append('}').toString());
    }
}

package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Reads.tableOf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openprofiles.prodlike.ItemKeys.ItemId;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The writes the upstream acknowledged lately, per item, each with the item before it (its
 * pre-image): what the index lag ({@link IndexLag}) and stale reads ({@link StaleReads}) show, and
 * the pre-images torn reads ({@link TornReads}) show. A write's pre-image is read just before it is
 * forwarded, with one consistent BatchGetItem upstream in the caller's name, when a rule needs
 * pre-images ({@code Rules.readsPreImages()}); it is remembered, once the upstream answered 200, for
 * as long as the longest window a rule looks back on.
 */
final class RecentWrites {
    static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");
    /** Remembered writes are pruned when they reach this many (or twice what the last pruning kept). */
    private static final int PRUNE_FLOOR = 10_000;

    /** The last write of each item the upstream acknowledged, and the item before it. */
    private final ConcurrentMap<ItemId, Write> writes = new ConcurrentHashMap<>();
    private final AtomicInteger pruneAt = new AtomicInteger(PRUNE_FLOOR);
    private final ItemKeys keys;
    private final Upstream upstream;

    RecentWrites(ItemKeys keys, Upstream upstream) {
        this.keys = keys;
        this.upstream = upstream;
    }

    /** One item a write touches: its identity, its table, and its primary key as JSON. */
    record Target(ItemId id, String table, String key) {}

    /** A write the upstream acknowledged: when, and the item before it (null: there was none) if that was read. */
    record Write(long at, boolean beforeKnown, JsonNode before) {}

    /** The last remembered write of the item, or null. */
    Write get(ItemId id) {
        return writes.get(id);
    }

    /** Every remembered write, as they are now. */
    Set<Map.Entry<ItemId, Write>> entries() {
        return writes.entrySet();
    }

    /** The items a write request touches (a ConditionCheck is no write), in request order; malformed ones left out. */
    List<Target> targets(String operation, JsonNode body, String database, HttpWire.Request request) {
        List<Target> targets = new ArrayList<>();
        switch (operation) {
            case "PutItem" -> addPut(targets, database, tableOf(body), Json.field(body, "Item").orElse(null), request);
            case "UpdateItem", "DeleteItem" -> addKey(targets, database, tableOf(body), Json.field(body, "Key").orElse(null));
            case "TransactWriteItems" -> {
                List<JsonNode> actions = Json.array(Json.field(body, "TransactItems").orElse(null));
                for (JsonNode action : actions == null ? List.<JsonNode>of() : actions) {
                    JsonNode put = Json.field(action, "Put").orElse(null);
                    if (put != null) addPut(targets, database, tableOf(put), Json.field(put, "Item").orElse(null), request);
                    for (String kind : List.of("Update", "Delete")) {
                        JsonNode keyed = Json.field(action, kind).orElse(null);
                        if (keyed != null) addKey(targets, database, tableOf(keyed), Json.field(keyed, "Key").orElse(null));
                    }
                }
            }
            case "BatchWriteItem" -> {
                Map<String, JsonNode> tables = Json.object(Json.field(body, "RequestItems").orElse(null));
                if (tables == null) break;
                tables.forEach((table, writes) -> {
                    List<JsonNode> list = Json.array(writes);
                    for (JsonNode write : list == null ? List.<JsonNode>of() : list) {
                        JsonNode put = Json.field(write, "PutRequest").orElse(null);
                        JsonNode delete = Json.field(write, "DeleteRequest").orElse(null);
                        if (put != null) addPut(targets, database, table, Json.field(put, "Item").orElse(null), request);
                        else if (delete != null) addKey(targets, database, table, Json.field(delete, "Key").orElse(null));
                    }
                });
            }
            default -> {
                // not a write
            }
        }
        return targets;
    }

    private void addPut(List<Target> targets, String database, String table, JsonNode item, HttpWire.Request request) {
        ItemId id = keys.fromItem(database, table, item, request);
        if (id == null) return;
        StringBuilder key = new StringBuilder("{");
        for (String name : keys.keyNames(database, table, request)) {
            if (key.length() > 1) key.append(',');
            Json.quote(name, key);
            key.append(':');
            Json.write(Json.field(item, name).orElseThrow(), key);
        }
        targets.add(new Target(id, table, key.append('}').toString()));
    }

    private void addKey(List<Target> targets, String database, String table, JsonNode key) {
        ItemId id = keys.fromKey(database, table, key);
        if (id != null) targets.add(new Target(id, table, new String(Json.bytes(key), StandardCharsets.UTF_8)));
    }

    /**
     * The targets as they are now, read upstream with one consistent BatchGetItem in the caller's
     * name: id to item, or to null where there is none. Empty (nothing known) when the read fails.
     * Another write may land between this read and the write: the pre-image is then that one's.
     */
    Map<ItemId, JsonNode> preImages(HttpWire.Request request, List<Target> targets) {
        Map<String, Map<ItemId, String>> byTable = new LinkedHashMap<>();
        for (Target target : targets) byTable.computeIfAbsent(target.table(), t -> new LinkedHashMap<>()).putIfAbsent(target.id(), target.key());
        if (byTable.isEmpty()) return Map.of();
        StringBuilder read = new StringBuilder("{\"RequestItems\":{");
        byTable.forEach((table, tableKeys) -> {
            if (read.charAt(read.length() - 1) != '{') read.append(',');
            Json.quote(table, read);
            read.append(":{\"Keys\":[").append(String.join(",", tableKeys.values())).append("],\"ConsistentRead\":true}");
        });
        JsonNode answer = upstream.call("BatchGetItem", read.append("}}").toString(), request);
        Map<String, JsonNode> unprocessedKeys = Json.object(Json.field(answer, "UnprocessedKeys").orElse(null));
        if (answer == null || (unprocessedKeys != null && !unprocessedKeys.isEmpty())) return Map.of();
        Map<ItemId, JsonNode> before = new HashMap<>();
        byTable.values().forEach(tableKeys -> tableKeys.keySet().forEach(id -> before.put(id, null)));
        Map<String, JsonNode> responses = Json.object(Json.field(answer, "Responses").orElse(null));
        if (responses != null) {
            String database = ItemKeys.database(request);
            responses.forEach((table, items) -> {
                List<JsonNode> list = Json.array(items);
                for (JsonNode item : list == null ? List.<JsonNode>of() : list) {
                    ItemId id = keys.fromItem(database, table, item, request);
                    if (before.containsKey(id)) before.put(id, item);
                }
            });
        }
        return before;
    }

    /**
     * Notes when the upstream acknowledged each item a successful write touched, and its pre-image,
     * before any drop of its response (it committed). {@code forwardedBody} is what the upstream received.
     */
    void remember(HttpWire.Request request, byte[] forwardedBody, String operation,
            HttpWire.Response response, Rules rules, Map<ItemId, JsonNode> before) {
        long keepMs = rules.remembersWritesMs();
        if (keepMs <= 0 || response.status() != 200 || !WRITES.contains(operation)) return;
        long answeredAt = System.nanoTime();
        JsonNode body = Json.parseObject(forwardedBody);
        if (body == null) return;
        String database = ItemKeys.database(request);
        Set<ItemId> unprocessedIds = Set.of();
        if (operation.equals("BatchWriteItem")) {
            // Unreadable (encoded) answer: every forwarded request counts as processed.
            JsonNode answer = response.header("Content-Encoding") == null ? Json.parseObject(response.body()) : null;
            unprocessedIds = new HashSet<>(batchWriteItems(Json.field(answer, "UnprocessedItems").orElse(null), database, request));
        }
        long keepNanos = TimeUnit.MILLISECONDS.toNanos(keepMs);
        for (Target target : targets(operation, body, database, request)) {
            if (unprocessedIds.contains(target.id())) continue;
            writes.put(target.id(), new Write(answeredAt, before.containsKey(target.id()), before.get(target.id())));
            if (writes.size() >= pruneAt.get()) {
                // Bounded memory: what is older than every rule's window can no longer change a read.
                writes.values().removeIf(write -> answeredAt - write.at() >= keepNanos);
                pruneAt.set(Math.max(PRUNE_FLOOR, 2 * writes.size()));
            }
        }
    }

    /** The items of a RequestItems (or UnprocessedItems) map, malformed entries left out. */
    private List<ItemId> batchWriteItems(JsonNode requestItems, String database, HttpWire.Request request) {
        List<ItemId> ids = new ArrayList<>();
        Map<String, JsonNode> tables = Json.object(requestItems);
        if (tables == null) return ids;
        tables.forEach((table, writes) -> {
            List<JsonNode> list = Json.array(writes);
            if (list == null) return;
            for (JsonNode write : list) {
                ItemId id = keys.fromBatchWrite(write, table, database, request);
                if (id != null) ids.add(id);
            }
        });
        return ids;
    }
}

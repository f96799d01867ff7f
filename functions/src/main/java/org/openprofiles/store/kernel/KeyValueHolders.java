package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.n;


import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.HolderItem;
import org.openprofiles.store.table.KeyItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * How a profile joins the holders of a key value: the one place that knows the key value item,
 * its condition (the revision and incarnation read) and when a value spills into {@link HolderItem}s.
 */
public final class KeyValueHolders {
    /**
     * Holders listed in the value's own item before it spills. A value held by this many profiles
     * is long ambiguous; the limit keeps its item (read by every resolution that meets it) small
     * and far below DynamoDB's 400 KB, and a spill (this many holder items plus the rest of a put)
     * inside one transaction of at most 100 actions.
     */
    public static final int DEFAULT_INLINE_LIMIT = 50;

    private final String tableName;
    private final int inlineLimit;

    public KeyValueHolders(String tableName, int inlineLimit) {
        if (inlineLimit < 1 || inlineLimit > DEFAULT_INLINE_LIMIT) throw new IllegalArgumentException("inline limit 1.." + DEFAULT_INLINE_LIMIT);
        this.tableName = tableName;
        this.inlineLimit = inlineLimit;
    }

    /** Whether making {@code profileId} a holder needs the value to {@link #spill} first. */
    public boolean needsSpill(Snapshot.KeyState seen, String profileId) {
        return seen != null && !seen.spilled() && !seen.profileIds().contains(profileId) && seen.profileIds().size() >= inlineLimit;
    }

    /**
     * The writes that make {@code profileId} a holder of {@code key}, given what a consistent read
     * saw (null: the value did not exist). Empty when the profile already holds it. The value's
     * item is conditioned on the revision and incarnation read; a spilled value's item is never rewritten, its
     * holders are independent items.
     *
     * @throws IllegalStateException when the value must {@link #spill} first
     */
    public List<TransactWriteItem> add(String domain, KeyValue key, Snapshot.KeyState seen, String profileId) {
        return add(domain, key, seen, profileId, Map.of());
    }

    /**
     * The same, also replacing in the value the holders in {@code closed}, profiles the caller found deleted (empty: left
     * out) or merged away (the profile that stands for it now, put in its place). Their erasure or merge would change the
     * value a moment later, and until then they would make it look shared; a merge whose move of this value comes after
     * this write finds its merged profile gone from the value, so the main profile must already be there. A value that
     * holds the profile and none of them: nothing.
     */
    public List<TransactWriteItem> add(String domain, KeyValue key, Snapshot.KeyState seen, String profileId,
                                       Map<String, Optional<String>> closed) {
        if (seen != null && seen.spilled()) return List.of(holder(domain, key, profileId));
        Set<String> ids = new LinkedHashSet<>(seen == null ? Set.of() : seen.profileIds());
        boolean stale = false;
        for (Map.Entry<String, Optional<String>> holder : closed.entrySet()) {
            if (ids.remove(holder.getKey())) {
                stale = true;
                holder.getValue().ifPresent(ids::add);
            }
        }
        if (!stale && ids.contains(profileId)) return List.of();
        if (!stale && needsSpill(seen, profileId)) throw new IllegalStateException("spill the key value first");
        ids.add(profileId);
        return List.of(keyItem(domain, key, seen, ids, false));
    }

    /**
     * Moves a full value's holders into holder items (they stay the same profiles: nothing a
     * reader relies on changes), in one transaction conditioned on the revision read.
     */
    List<TransactWriteItem> spill(String domain, KeyValue key, Snapshot.KeyState seen) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(keyItem(domain, key, seen, null, true));
        for (String holder : seen.profileIds()) writes.add(holder(domain, key, holder));
        return writes;
    }

    /**
     * Spills, each in its own transaction, the values {@code profileId} is to join that are full;
     * true if any was (the caller reads again). Happens once in a value's life.
     */
    public boolean spillFirst(DynamoCalls calls, String domain, java.util.Collection<KeyValue> keys, Snapshot seen, String profileId,
                       org.openprofiles.model.Deadline deadline) {
        boolean spilled = false;
        for (KeyValue key : new LinkedHashSet<>(keys)) {
            Snapshot.KeyState state = seen.keys().get(key);
            if (needsSpill(state, profileId)) {
                calls.transact(spill(domain, key, state), deadline);
                spilled = true;
            }
        }
        return spilled;
    }

    private TransactWriteItem keyItem(String domain, KeyValue key, Snapshot.KeyState seen, Set<String> ids, boolean spilled) {
        long rev = seen == null ? 1 : seen.rev() + 1;
        String born = seen == null || seen.born().isEmpty() ? newBorn() : seen.born();
        KeyItem item = new KeyItem(StoreKeys.keyValue(domain, key), key.keyName(), key.value(), ids, rev, spilled, born);
        Put.Builder put = Put.builder().tableName(tableName).item(KeyItem.SCHEMA.itemToMap(item, true));
        if (seen == null) {
            put.conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY));
        } else {
            Condition read = asRead(seen);
            put.conditionExpression(read.expression()).expressionAttributeNames(read.names()).expressionAttributeValues(read.values());
        }
        return TransactWriteItem.builder().put(put.build()).build();
    }

    private record Condition(String expression, Map<String, String> names, Map<String, AttributeValue> values) {}

    /**
     * The value's item is still the one read: the same revision of the same incarnation. The revision alone is not enough:
     * a value whose last holder left is deleted, and one created again starts at revision 1, so a write that read the old
     * one would otherwise land on the new one (putting back a removed holder, dropping a new one).
     */
    private static Condition asRead(Snapshot.KeyState seen) {
        if (seen.born().isEmpty()) { // written before incarnations were marked: one marked since is another
            return new Condition("#rev = :rev AND attribute_not_exists(#born)", Map.of("#rev", "rev", "#born", KeyItem.BORN),
                    Map.of(":rev", n(seen.rev())));
        }
        return new Condition("#rev = :rev AND #born = :born", Map.of("#rev", "rev", "#born", KeyItem.BORN),
                Map.of(":rev", n(seen.rev()), ":born", DynamoCalls.s(seen.born())));
    }

    TransactWriteItem holder(String domain, KeyValue key, String profileId) {
        HolderItem item = new HolderItem(StoreKeys.holder(domain, key, profileId), key.keyName(), key.value(), profileId,
                StoreKeys.holders(domain, key), profileId);
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(HolderItem.SCHEMA.itemToMap(item, true)).build()).build();
    }

    /**
     * The writes that make {@code profileId} stop holding {@code key}, given a consistent read of
     * the value (null or not holding it: nothing). A value left with no holder is deleted; every
     * write is conditioned on the revision read, a spilled value's holder item is deleted.
     */
    public List<TransactWriteItem> remove(String domain, KeyValue key, Snapshot.KeyState seen, String profileId) {
        if (seen == null) return List.of();
        if (seen.spilled()) {
            return List.of(TransactWriteItem.builder().delete(Delete.builder().tableName(tableName)
                    .key(DynamoCalls.itemKey(StoreKeys.holder(domain, key, profileId))).build()).build());
        }
        if (!seen.profileIds().contains(profileId)) return List.of();
        Set<String> ids = new LinkedHashSet<>(seen.profileIds());
        ids.remove(profileId);
        if (!ids.isEmpty()) return List.of(keyItem(domain, key, seen, ids, false));
        Condition read = asRead(seen);
        return List.of(TransactWriteItem.builder().delete(Delete.builder().tableName(tableName)
                .key(DynamoCalls.itemKey(StoreKeys.keyValue(domain, key)))
                .conditionExpression(read.expression()).expressionAttributeNames(read.names())
                .expressionAttributeValues(read.values()).build()).build());
    }

    /**
     * The writes that make the main profile of a merge hold {@code key} in place of the merged
     * profiles {@code from} (none of them holding it: nothing). Conditioned on the revision read.
     */
    public List<TransactWriteItem> move(String domain, KeyValue key, Snapshot.KeyState seen, java.util.Collection<String> from, String to) {
        if (seen == null) return List.of();
        if (seen.spilled()) {
            List<TransactWriteItem> out = new ArrayList<>();
            for (String id : from) {
                out.add(TransactWriteItem.builder().delete(Delete.builder().tableName(tableName)
                        .key(DynamoCalls.itemKey(StoreKeys.holder(domain, key, id))).build()).build());
            }
            out.add(holder(domain, key, to));
            return out;
        }
        Set<String> ids = new LinkedHashSet<>(seen.profileIds());
        if (!ids.removeAll(from)) return List.of();
        ids.add(to);
        return List.of(keyItem(domain, key, seen, ids, false));
    }

    /**
     * Adds the holder in place without reading first, unless the value is spilled or full (then the
     * condition fails and the caller takes the read-then-write path).
     */
    public TransactWriteItem addWhileItFits(String domain, KeyValue key, String profileId) {
        Map<String, String> names = new java.util.HashMap<>(Map.of("#ids", "profileIds", "#rev", "rev", "#keyName", "keyName",
                "#keyValue", "keyValue", "#spilled", "spilled"));
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> values = new java.util.HashMap<>(Map.of(
                ":id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromSs(List.of(profileId)),
                ":idS", DynamoCalls.s(profileId), ":one", n(1), ":keyName", DynamoCalls.s(key.keyName()),
                ":keyValue", DynamoCalls.s(key.value()), ":limit", n(inlineLimit)));
        names.put("#born", KeyItem.BORN);
        values.put(":born", DynamoCalls.s(newBorn()));
        return TransactWriteItem.builder().update(software.amazon.awssdk.services.dynamodb.model.Update.builder().tableName(tableName)
                .key(DynamoCalls.itemKey(StoreKeys.keyValue(domain, key)))
                .updateExpression("ADD #ids :id, #rev :one SET #keyName = :keyName, #keyValue = :keyValue, #born = if_not_exists(#born, :born)")
                .conditionExpression("attribute_not_exists(#spilled) AND (attribute_not_exists(#ids) OR contains(#ids, :idS)"
                        + " OR size(#ids) < :limit)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }

    static Snapshot.KeyState state(KeyItem item) {
        return new Snapshot.KeyState(item.profileIds(), item.rev(), item.spilled(), item.born());
    }

    /** A new incarnation's mark: random, so a value deleted and created again is told apart from its past. */
    private static String newBorn() {
        return Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

}

package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.StandardProfile;
import org.openprofiles.store.ProfileStore.HistoryAction;
import org.openprofiles.model.KeyValue;
import org.openprofiles.resolution.StandardKeys;
import org.openprofiles.store.table.OperationRecord;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.Retry;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.table.DecideAgainException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Finishes a recorded MergeProfiles, from wherever it stopped. The record is on the main
 * profile and every merged one ({@link RecordedOperations#merge}), so none of them is deleted, merged or
 * merged into by another operation meanwhile. For the merged profiles still there:
 * <ol>
 *   <li>close their shards, marked with the main profile (a put that meets one attaches to the main
 *     profile instead), so nothing more lands on them;</li>
 *   <li>read each one's item and shards: its objects and every key value it holds;</li>
 *   <li>make each of those values name the main profile instead;</li>
 *   <li>move the objects onto the main profile, 25 per transaction, each transaction adding them to
 *     one of the main profile's shards like any attach;</li>
 *   <li>re-point their history records to the main profile, 90 per transaction, each listed on one of its shards;</li>
 *   <li>merge the fields onto the main profile (conditioned on its version);</li>
 *   <li>write MERGED on the main profile and DELETED_BY_MERGE for each merged one (while the merge is recorded);</li>
 *   <li>reduce the merged profiles' shards to bare markers and delete their items;</li>
 *   <li>remove the record from the main profile.</li>
 * </ol>
 * Every step is conditioned or idempotent, so two finishers may run at once; a merged profile whose
 * item is gone was finished (its fields were merged before its item was deleted).
 */
public final class ProfileMerge {
    /**
     * Objects moved per transaction: each moved object adds its entry and key values to one shard of
     * the main profile, which must stay far below DynamoDB's 400 KB item size.
     */
    static final int MOVES_PER_TRANSACTION = 25;
    /** History records re-pointed per transaction: with the main profile's shard, within DynamoDB's 100 actions. */
    static final int HISTORY_PER_TRANSACTION = 90;

    private final ProfileSources writes;

    public ProfileMerge(ProfileSources writes) {
        this.writes = writes;
    }

    void finish(String domain, OperationRecord op, Collection<String> objectTypeNames, Deadline deadline) {
        String mainId = op.main();
        Map<String, Snapshot> merged = new LinkedHashMap<>();
        for (String id : op.merged()) {
            writes.shards.close(domain, id, op.id(), mainId, deadline);
            Snapshot seen = writes.reader.read(ReadRequest.profile(domain, id).andShards(), deadline);
            if (seen.profile() != null) merged.put(id, seen);
        }
        Set<KeyValue> keys = new LinkedHashSet<>();
        Set<KeyValue> manualKeys = new LinkedHashSet<>();
        Set<KeyValue> retainedKeys = new LinkedHashSet<>();
        Map<String, List<Shards.Member>> objectsOf = new HashMap<>();
        for (Map.Entry<String, Snapshot> entry : merged.entrySet()) {
            Snapshot.ProfileState profile = entry.getValue().profile();
            keys.addAll(profile.keysOnItem());
            manualKeys.addAll(profile.manualKeys());
            retainedKeys.addAll(profile.retainedKeys());
            Shards recorded = entry.getValue().shards();
            List<Shards.Member> objects = writes.objectsOf(domain, entry.getKey(), recorded, objectTypeNames, deadline);
            objectsOf.put(entry.getKey(), objects);
            // A value recorded for an object that no longer brings it stays with the profile (keys
            // accumulate): the main profile keeps it as retained, so that its own erasure finds it.
            // An object another finisher of this merge already moved to the main profile still brings its values.
            Map<String, Shards.Member> notOnMerged = new LinkedHashMap<>(recorded.members());
            for (Shards.Member object : objects) notOnMerged.remove(StoreKeys.member(object.objectTypeName(), object.uniqueKey()));
            List<Shards.Member> sources = new ArrayList<>(objects);
            sources.addAll(writes.onProfile(domain, mainId, notOnMerged.values(), true, deadline));
            Set<KeyValue> unsourced = new LinkedHashSet<>();
            for (Shards.Member m : recorded.members().values()) unsourced.addAll(m.profileKeys());
            for (Shards.Member object : sources) {
                keys.addAll(object.profileKeys());
                unsourced.removeAll(object.profileKeys());
            }
            keys.addAll(unsourced);
            retainedKeys.addAll(unsourced);
        }
        if (!merged.isEmpty()) {
            // Keys before objects: once an object is on the main profile, its key values already name it.
            List<String> from = new ArrayList<>(merged.keySet());
            writes.changeHolders(domain, keys, (key, state) -> writes.holders.move(domain, key, state, from, mainId), deadline);
            for (String id : from) moveObjects(domain, id, mainId, objectsOf.get(id), deadline);
            for (String id : from) repointHistory(domain, id, mainId, merged.get(id).shards().history(), op.atMillis(), deadline);
            mergeFieldsOntoMain(domain, op, from, manualKeys, retainedKeys, deadline);
            recordMerge(domain, op, deadline);
            for (String id : from) {
                writes.shards.leaveMarkers(domain, id, op.id(), mainId, op.atMillis(), deadline);
                writes.calls.delete(StoreKeys.profile(domain, id), deadline);
            }
        }
        clearRecord(domain, mainId, op, deadline);
    }

    /**
     * Moves objects onto the main profile in transactions of {@link #MOVES_PER_TRANSACTION}, each
     * recording them on one of the main profile's shards like any attach. A chunk that fails (another
     * finisher moved some of them) is read again and the objects still on the merged profile moved.
     */
    private void moveObjects(String domain, String fromId, String mainId, List<Shards.Member> objects, Deadline deadline) {
        for (int from = 0; from < objects.size(); from += MOVES_PER_TRANSACTION) {
            List<Shards.Member> remaining = new ArrayList<>(objects.subList(from, Math.min(objects.size(), from + MOVES_PER_TRANSACTION)));
            Retry.run(Retry.WRITE_AGAIN, deadline, attempt -> {
                if (attempt > 1) {
                    List<Shards.Member> still = writes.onProfile(domain, fromId, remaining, true, deadline);
                    remaining.clear();
                    remaining.addAll(still);
                }
                if (remaining.isEmpty()) return null;
                List<TransactWriteItem> actions = new ArrayList<>();
                actions.add(writes.shards.add(domain, mainId, remaining, Map.of()));
                for (Shards.Member object : remaining) actions.add(moveObject(domain, object, fromId, mainId));
                writes.shards.transact(actions, Set.of(0), deadline, reasons -> null);
                return null;
            });
        }
    }

    private TransactWriteItem moveObject(String domain, Shards.Member object, String fromId, String mainId) {
        return TransactWriteItem.builder().update(Update.builder().tableName(writes.calls.tableName).key(itemKey(object.pk(domain)))
                .updateExpression("SET #profileId = :main, #g = :g")
                .conditionExpression("#profileId = :from")
                .expressionAttributeNames(Map.of("#profileId", "profileId", "#g", ProfilesTable.INDEX_PARTITION_KEY))
                .expressionAttributeValues(Map.of(":main", s(mainId), ":from", s(fromId),
                        ":g", s(StoreKeys.profileObjects(domain, mainId, object.objectTypeName()))))
                .build()).build();
    }

    /**
     * The merged profile's history stays readable under the main profile: each record is re-pointed to it (its index
     * partition and profile) and listed on one of its shards, {@link #HISTORY_PER_TRANSACTION} per transaction. A chunk
     * that fails (another finisher re-pointed some, or TTL deleted one) is read again and what is still under the merged
     * profile is re-pointed.
     */
    private void repointHistory(String domain, String fromId, String mainId, Map<String, Integer> listed, long atMillis, Deadline deadline) {
        // Records of lists already dropped expired long ago (TTL deletes them): nothing to re-point.
        List<String> all = new ArrayList<>();
        listed.forEach((id, month) -> {
            if (month == History.UNKNOWN_MONTH || month > History.lastDroppedMonth(atMillis)) all.add(id);
        });
        for (int from = 0; from < all.size(); from += HISTORY_PER_TRANSACTION) {
            List<String> remaining = new ArrayList<>(all.subList(from, Math.min(all.size(), from + HISTORY_PER_TRANSACTION)));
            Retry.run(Retry.WRITE_AGAIN, deadline, attempt -> {
                if (attempt > 1) remaining.retainAll(historyUnder(domain, fromId, remaining, deadline));
                if (remaining.isEmpty()) return null;
                List<TransactWriteItem> actions = new ArrayList<>();
                Map<String, Integer> months = new LinkedHashMap<>();
                for (String id : remaining) months.put(id, listed.get(id));
                actions.add(History.listing(writes.shards.add(domain, mainId, List.of(), Map.of()), months, atMillis));
                for (String id : remaining) {
                    actions.add(TransactWriteItem.builder().update(Update.builder().tableName(writes.calls.tableName)
                            .key(itemKey(StoreKeys.historyRecord(domain, id)))
                            .updateExpression("SET #p = :main, #g = :g")
                            .conditionExpression("#p = :from")
                            .expressionAttributeNames(Map.of("#p", History.PROFILE_ID, "#g", ProfilesTable.INDEX_PARTITION_KEY))
                            .expressionAttributeValues(Map.of(":main", s(mainId), ":from", s(fromId),
                                    ":g", s(StoreKeys.profileHistory(domain, mainId))))
                            .build()).build());
                }
                writes.shards.transact(actions, Set.of(0), deadline, reasons -> null);
                return null;
            });
        }
    }

    /** Which of the records are still listed under the profile (one consistent read). */
    private List<String> historyUnder(String domain, String profileId, List<String> recordIds, Deadline deadline) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : recordIds) keys.add(itemKey(StoreKeys.historyRecord(domain, id)));
        List<String> under = new ArrayList<>();
        for (Map<String, AttributeValue> item : writes.calls.batchGet(keys, "#r, #p", Map.of("#r", History.RECORD_ID, "#p", History.PROFILE_ID),
                deadline)) {
            if (profileId.equals(item.get(History.PROFILE_ID).s())) under.add(item.get(History.RECORD_ID).s());
        }
        return under;
    }

    /**
     * MERGED on the main profile (the profile as merged, and the merged ids) and DELETED_BY_MERGE for each merged
     * profile (listed under the main one, where its history now is), in one transaction, only while the merge is still
     * recorded on the main profile: a finisher that comes late writes nothing after the main profile's own erasure.
     * Their ids derive from the operation's, so every finisher writes the same records.
     */
    private void recordMerge(String domain, OperationRecord op, Deadline deadline) {
        String mainId = op.main();
        History.Change change = new History.Change(op.id(), op.by(), op.retain() == null ? History.DEFAULT_RETENTION_DAYS : op.retain(),
                op.atMillis());
        Snapshot.ProfileState main = writes.reader.read(ReadRequest.profile(domain, mainId), deadline).profile();
        if (main == null || main.op() == null || !main.op().id().equals(op.id())) return; // finished by another
        Map<String, Object> merged = StandardProfile.shape(mainId, main.fields());
        merged.put("MergedProfileIds", op.merged());
        List<History.Entry> records = new ArrayList<>();
        records.add(change.record(HistoryAction.MERGED, mainId, History.PROFILE_TYPE, null, Json.write(merged)));
        for (String id : op.merged()) {
            records.add(change.record(HistoryAction.DELETED_BY_MERGE, id, History.PROFILE_TYPE, null,
                    Json.write(Map.of("MergedIntoProfileId", mainId))).under(mainId));
        }
        Retry.run(Retry.WRITE_AGAIN, deadline, () -> {
            List<TransactWriteItem> actions = new ArrayList<>();
            actions.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(writes.calls.tableName)
                    .key(itemKey(StoreKeys.profile(domain, mainId)))
                    .conditionExpression("#op = :op")
                    .expressionAttributeNames(Map.of("#op", ProfileItem.OP))
                    .expressionAttributeValues(Map.of(":op", s(op.json()))).build()).build());
            actions.add(History.listing(writes.shards.add(domain, mainId, List.of(), Map.of()), records));
            for (History.Entry record : records) actions.add(History.put(writes.calls.tableName, domain, record));
            try {
                writes.shards.transact(actions, Set.of(1), deadline, reasons -> DynamoCalls.conditionFailed(reasons, 0) ? new FinishedByAnother() : null);
            } catch (FinishedByAnother e) {
                // The record is gone from the main profile: another finisher wrote these records and ended the merge.
            }
        });
    }

    private static final class FinishedByAnother extends RuntimeException {
        FinishedByAnother() {
            super(null, null, false, false);
        }
    }

    /**
     * Fields: the union where one side has a value; on conflict the main profile's, unless the
     * merge's field sources name the profile whose value (even none) wins. A field keeps its kind:
     * manual where the winning profile set it manually, ingested otherwise. Conditioned on the main
     * profile's version read; a concurrent ingestion makes it read and merge again. Repeating it with
     * the same merged profiles gives the same fields, so a second finisher changes nothing.
     */
    private void mergeFieldsOntoMain(String domain, OperationRecord op, List<String> mergedIds, Set<KeyValue> manualKeys,
                                     Set<KeyValue> retainedKeys, Deadline deadline) {
        String mainId = op.main();
        Retry.run(Retry.WRITE_AGAIN, deadline, () -> {
            Map<String, Snapshot.ProfileState> profiles = new HashMap<>();
            List<Map<String, AttributeValue>> wanted = new ArrayList<>();
            wanted.add(itemKey(StoreKeys.profile(domain, mainId)));
            for (String id : mergedIds) wanted.add(itemKey(StoreKeys.profile(domain, id)));
            for (Map<String, AttributeValue> item : writes.calls.batchGet(wanted, deadline)) {
                Snapshot.ProfileState state = ConsistentReads.profileState(ProfileItem.SCHEMA.mapToItem(item));
                profiles.put(state.profileId(), state);
            }
            Snapshot.ProfileState main = profiles.get(mainId);
            if (main == null || main.op() == null || !main.op().id().equals(op.id())) return; // finished by another
            List<String> order = new ArrayList<>();
            order.add(mainId);
            for (String id : mergedIds) if (profiles.containsKey(id)) order.add(id);
            Set<String> paths = new TreeSet<>();
            for (String id : order) paths.addAll(profiles.get(id).fields().keySet());
            Map<String, String> ingested = new LinkedHashMap<>();
            Map<String, String> manual = new LinkedHashMap<>();
            for (String path : paths) {
                String source = op.sources().get(path);
                if (source == null && path.contains(".") && !path.startsWith("Attributes.")) source = op.sources().get(path.substring(0, path.indexOf('.')));
                List<String> candidates = source != null ? List.of(source) : order;
                for (String id : candidates) {
                    Snapshot.ProfileState p = profiles.get(id);
                    if (p == null || !p.fields().containsKey(path)) continue;
                    if (p.manualFields().containsKey(path)) manual.put(path, p.manualFields().get(path));
                    else ingested.put(path, p.fields().get(path));
                    break;
                }
            }
            StringBuilder expression = new StringBuilder("SET #f = :f, #m = :m, #v = :next");
            Map<String, String> names = new HashMap<>(Map.of("#f", ProfileItem.FIELDS, "#m", ProfileItem.MANUAL, "#v", ProfileItem.VERSION,
                    "#op", ProfileItem.OP));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":f", stringMap(ingested), ":m", stringMap(manual),
                    ":next", n(main.version() + 1), ":seen", n(main.version()), ":op", s(op.json())));
            List<String> adds = new ArrayList<>();
            if (!manualKeys.isEmpty()) {
                adds.add("#mk :mk");
                names.put("#mk", ProfileItem.MANUAL_KEYS);
                values.put(":mk", AttributeValue.fromSs(objectKeys(manualKeys)));
            }
            // The main profile's own field values it no longer shows stay its keys (keys accumulate): listed for its erasure.
            Set<KeyValue> kept = new LinkedHashSet<>(retainedKeys);
            kept.addAll(StandardKeys.of(main.fields()));
            for (String id : order) kept.addAll(StandardKeys.of(profiles.get(id).fields()));
            if (!kept.isEmpty()) {
                adds.add("#rk :rk");
                names.put("#rk", ProfileItem.RETAINED_KEYS);
                values.put(":rk", AttributeValue.fromSs(objectKeys(kept)));
            }
            if (!adds.isEmpty()) expression.append(" ADD ").append(String.join(", ", adds));
            DynamoCalls.ItemWrite write = writes.calls.update(UpdateItemRequest.builder()
                    .key(itemKey(StoreKeys.profile(domain, mainId)))
                    .updateExpression(expression.toString())
                    .conditionExpression("#op = :op AND (#v = :seen OR attribute_not_exists(#v))")
                    .expressionAttributeNames(names).expressionAttributeValues(values), deadline);
            // Refused: the main profile changed since it was read (or the merge was finished by another); read again.
            if (!write.written()) throw new DecideAgainException("the main profile changed since it was read; merge its fields again", false);
        });
    }

    /** Removes a finished merge's record from its main profile (already removed: nothing to do). */
    private void clearRecord(String domain, String profileId, OperationRecord op, Deadline deadline) {
        // Refused: another finisher removed it already.
        writes.calls.update(UpdateItemRequest.builder()
                .key(itemKey(StoreKeys.profile(domain, profileId)))
                .updateExpression("REMOVE #op, #g, #gs")
                .conditionExpression("#op = :op")
                .expressionAttributeNames(Map.of("#op", ProfileItem.OP, "#g", ProfilesTable.INDEX_PARTITION_KEY,
                        "#gs", ProfilesTable.INDEX_SORT_KEY))
                .expressionAttributeValues(Map.of(":op", s(op.json()))), deadline);
    }

    static List<String> objectKeys(Collection<KeyValue> keys) {
        List<String> out = new ArrayList<>();
        for (KeyValue key : keys) out.add(StoreKeys.keyValueEntry(key));
        return out;
    }

    static AttributeValue stringMap(Map<String, String> map) {
        Map<String, AttributeValue> m = new HashMap<>();
        map.forEach((k, v) -> m.put(k, s(v)));
        return AttributeValue.fromM(m);
    }
}

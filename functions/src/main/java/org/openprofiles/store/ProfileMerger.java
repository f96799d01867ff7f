package org.openprofiles.store;

import static org.openprofiles.store.DynamoCalls.key;
import static org.openprofiles.store.DynamoCalls.n;
import static org.openprofiles.store.DynamoCalls.s;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.resolution.StandardKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * MergeProfiles' writes (spec 11), synchronous: close the merged profiles' gates (marked with the
 * main profile, so a racing put that meets one attaches to the main profile instead), move every
 * object and key value of each merged profile to the main profile, merge the fields onto the main
 * profile, then delete the merged profiles' items. Unknown profiles: 404 before anything is written.
 */
public final class ProfileMerger {
    /**
     * Objects moved per transaction: each moved object adds its entry and key values to one
     * membership shard of the main profile, which must stay far below DynamoDB's 400 KB item size.
     */
    static final int MOVES_PER_TRANSACTION = 25;

    private final LifecycleWrites writes;
    private final Gates gates;
    private final ProfileFence fence;

    ProfileMerger(LifecycleWrites writes, Gates gates, ProfileFence fence) {
        this.writes = writes;
        this.gates = gates;
        this.fence = fence;
    }

    /**
     * @param fieldSources field path or group (a standard field, an address name, {@code Attributes.<name>}) → the
     *                     profile whose value wins, even an absent one
     */
    public void merge(String domain, String mainId, List<String> mergedIds, Map<String, String> fieldSources,
                      Collection<String> objectTypeNames, Deadline deadline) {
        Map<String, Snapshot.ProfileState> profiles = read(domain, mainId, mergedIds, deadline);
        for (String id : mergedIds) {
            fence.markClosing(domain, id, deadline);
            gates.close(domain, id, mainId, deadline);
        }
        profiles = read(domain, mainId, mergedIds, deadline);

        Set<KeyValue> keys = new LinkedHashSet<>();
        Set<KeyValue> manualKeys = new LinkedHashSet<>();
        Set<KeyValue> retainedKeys = new LinkedHashSet<>();
        Map<String, Membership.Recorded> recordedOf = new HashMap<>();
        Map<String, List<Membership.Member>> objectsOf = new HashMap<>();
        for (String id : mergedIds) {
            Snapshot.ProfileState merged = profiles.get(id);
            keys.addAll(ProfileEraser.keysOnItem(merged));
            manualKeys.addAll(merged.manualKeys());
            retainedKeys.addAll(merged.retainedKeys());
            Membership.Recorded recorded = writes.membership.read(domain, id, deadline);
            List<Membership.Member> objects = writes.objectsOf(domain, id, recorded, objectTypeNames, deadline);
            recordedOf.put(id, recorded);
            objectsOf.put(id, objects);
            // A value recorded for an object that no longer brings it stays with the profile (keys
            // accumulate): the main profile keeps it as retained, so that its own erasure finds it.
            Set<KeyValue> unsourced = recorded.claims();
            for (Membership.Member object : objects) {
                keys.addAll(object.profileKeys());
                unsourced.removeAll(object.profileKeys());
            }
            keys.addAll(unsourced);
            retainedKeys.addAll(unsourced);
        }
        // Keys before objects: once an object is on the main profile, its key values already name it.
        moveHolders(domain, keys, mergedIds, mainId, deadline);
        Set<KeyValue> claimed = new LinkedHashSet<>();
        for (String id : mergedIds) {
            moveObjects(domain, id, mainId, objectsOf.get(id), deadline);
            for (Membership.Member object : objectsOf.get(id)) claimed.addAll(object.profileKeys());
        }
        // A removal on the main profile may have taken one of these values after the holders moved and
        // before the objects reached the main profile's membership: each value a moved object brings names
        // the main profile again (a write only where it does not; a value full at 50 holders is left as is).
        writes.changeHolders(domain, claimed, (key, seen) -> writes.holders.needsSpill(seen, mainId) ? List.of()
                : writes.holders.add(domain, key, seen, mainId), deadline);
        mergeFieldsOntoMain(domain, mainId, mergedIds, fieldSources, manualKeys, retainedKeys, deadline);
        for (String id : mergedIds) writes.membership.forget(domain, id, recordedOf.get(id).shards(), deadline);
        List<TransactWriteItem> deletes = new ArrayList<>();
        for (String id : mergedIds) {
            deletes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(writes.calls.tableName)
                    .key(key(StoreKeys.profile(domain, id))).build()).build());
        }
        writes.commitInChunks(deletes, deadline);
    }

    private Map<String, Snapshot.ProfileState> read(String domain, String mainId, List<String> mergedIds, Deadline deadline) {
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        wanted.add(key(StoreKeys.profile(domain, mainId)));
        for (String id : mergedIds) wanted.add(key(StoreKeys.profile(domain, id)));
        Map<String, Snapshot.ProfileState> profiles = new HashMap<>();
        for (Map<String, AttributeValue> item : writes.calls.batchGet(wanted, deadline)) {
            Snapshot.ProfileState state = ResolutionReader.profileState(ProfileItem.SCHEMA.mapToItem(item));
            profiles.put(state.profileId(), state);
        }
        List<String> missing = new ArrayList<>();
        if (!profiles.containsKey(mainId)) missing.add(mainId);
        for (String id : mergedIds) if (!profiles.containsKey(id)) missing.add(id);
        if (!missing.isEmpty()) {
            throw ServiceException.notFound("Profiles do not exist in domain '" + domain + "': " + String.join(", ", missing));
        }
        return profiles;
    }

    private void moveHolders(String domain, Set<KeyValue> keys, List<String> mergedIds, String mainId, Deadline deadline) {
        writes.changeHolders(domain, keys, (key, seen) -> {
            if (seen == null) return List.of();
            List<TransactWriteItem> out = new ArrayList<>();
            if (seen.spilled()) {
                for (String id : mergedIds) {
                    out.add(TransactWriteItem.builder().delete(Delete.builder().tableName(writes.calls.tableName)
                            .key(key(StoreKeys.holder(domain, key, id))).build()).build());
                }
                out.add(writes.holders.holder(domain, key, mainId));
                return out;
            }
            Set<String> ids = new LinkedHashSet<>(seen.profileIds());
            if (!ids.removeAll(mergedIds)) return List.of();
            ids.add(mainId);
            KeyItem item = new KeyItem(StoreKeys.keyValue(domain, key), key.keyName(), key.value(), ids, seen.rev() + 1, false);
            return List.of(TransactWriteItem.builder().put(Put.builder().tableName(writes.calls.tableName)
                    .item(KeyItem.SCHEMA.itemToMap(item, true))
                    .conditionExpression("#rev = :rev").expressionAttributeNames(Map.of("#rev", "rev"))
                    .expressionAttributeValues(Map.of(":rev", n(seen.rev()))).build()).build());
        }, deadline);
    }

    /**
     * Moves objects onto the main profile in transactions of {@link #MOVES_PER_TRANSACTION}, each
     * recording them in the main profile's membership and checking its gate like any attach.
     */
    private void moveObjects(String domain, String fromId, String mainId, List<Membership.Member> objects, Deadline deadline) {
        for (int from = 0; from < objects.size(); from += MOVES_PER_TRANSACTION) {
            List<Membership.Member> chunk = objects.subList(from, Math.min(objects.size(), from + MOVES_PER_TRANSACTION));
            int shard = Gates.randomShard();
            List<TransactWriteItem> actions = new ArrayList<>();
            actions.add(gates.openCheck(domain, mainId, shard));
            actions.add(writes.membership.record(domain, mainId, shard, chunk));
            for (Membership.Member object : chunk) actions.add(moveObject(domain, object, fromId, mainId));
            writes.commitRetrying(actions, reasons -> KeyWriter.failed(reasons, 0) ? gates.refusal(domain, mainId, deadline) : null, deadline);
        }
    }

    private TransactWriteItem moveObject(String domain, Membership.Member object, String fromId, String mainId) {
        return TransactWriteItem.builder().update(Update.builder().tableName(writes.calls.tableName).key(key(object.pk(domain)))
                .updateExpression("SET #profileId = :main, #g = :g")
                .conditionExpression("#profileId = :from")
                .expressionAttributeNames(Map.of("#profileId", "profileId", "#g", ProfilesTable.INDEX_PARTITION_KEY))
                .expressionAttributeValues(Map.of(":main", s(mainId), ":from", s(fromId),
                        ":g", s(StoreKeys.profileObjects(domain, mainId, object.objectTypeName()))))
                .build()).build();
    }

    /**
     * Fields: the union where one side has a value; on conflict the main profile's, unless
     * {@code fieldSources} names the profile whose value (even none) wins. A field keeps its kind:
     * manual where the winning profile set it manually, ingested otherwise. Conditioned on the main
     * profile's version read; a concurrent ingestion makes it read and merge again.
     */
    private void mergeFieldsOntoMain(String domain, String mainId, List<String> mergedIds, Map<String, String> fieldSources,
                                     Set<KeyValue> manualKeys, Set<KeyValue> retainedKeys, Deadline deadline) {
        for (int attempt = 1; ; attempt++) {
            Map<String, Snapshot.ProfileState> profiles = read(domain, mainId, mergedIds, deadline);
            List<String> order = new ArrayList<>();
            order.add(mainId);
            order.addAll(mergedIds);
            Set<String> paths = new java.util.TreeSet<>();
            for (String id : order) paths.addAll(profiles.get(id).fields().keySet());
            Map<String, String> ingested = new LinkedHashMap<>();
            Map<String, String> manual = new LinkedHashMap<>();
            for (String path : paths) {
                String source = fieldSources.get(path);
                if (source == null && path.contains(".") && !path.startsWith("Attributes.")) source = fieldSources.get(path.substring(0, path.indexOf('.')));
                List<String> candidates = source != null ? List.of(source) : order;
                for (String id : candidates) {
                    Snapshot.ProfileState p = profiles.get(id);
                    if (p == null || !p.fields().containsKey(path)) continue;
                    if (p.manualFields().containsKey(path)) manual.put(path, p.manualFields().get(path));
                    else ingested.put(path, p.fields().get(path));
                    break;
                }
            }
            Snapshot.ProfileState main = profiles.get(mainId);
            StringBuilder expression = new StringBuilder("SET #f = :f, #m = :m, #v = :next");
            Map<String, String> names = new HashMap<>(Map.of("#f", ProfileItem.FIELDS, "#m", ProfileItem.MANUAL, "#v", ProfileItem.VERSION));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":f", stringMap(ingested), ":m", stringMap(manual),
                    ":next", n(main.version() + 1), ":seen", n(main.version())));
            List<String> adds = new ArrayList<>();
            if (!manualKeys.isEmpty()) {
                adds.add("#mk :mk");
                names.put("#mk", ProfileItem.MANUAL_KEYS);
                values.put(":mk", AttributeValue.fromSs(objectKeys(manualKeys)));
            }
            // The main profile's own field values it no longer shows stay its keys (keys accumulate): listed for its erasure.
            Set<KeyValue> kept = new LinkedHashSet<>(retainedKeys);
            kept.addAll(StandardKeys.of(main.fields()));
            for (String id : mergedIds) kept.addAll(StandardKeys.of(profiles.get(id).fields()));
            if (!kept.isEmpty()) {
                adds.add("#rk :rk");
                names.put("#rk", ProfileItem.RETAINED_KEYS);
                values.put(":rk", AttributeValue.fromSs(objectKeys(kept)));
            }
            if (!adds.isEmpty()) expression.append(" ADD ").append(String.join(", ", adds));
            names.put("#pk", ProfilesTable.PARTITION_KEY);
            List<TransactWriteItem> actions = new ArrayList<>();
            actions.add(TransactWriteItem.builder().update(Update.builder().tableName(writes.calls.tableName)
                    .key(key(StoreKeys.profile(domain, mainId)))
                    .updateExpression(expression.toString())
                    .conditionExpression("attribute_exists(#pk) AND (#v = :seen OR attribute_not_exists(#v))")
                    .expressionAttributeNames(names).expressionAttributeValues(values).build()).build());
            actions.add(gates.openCheck(domain, mainId));
            try {
                writes.calls.transact(actions, deadline, reasons -> KeyWriter.failed(reasons, 1) ? gates.refusal(domain, mainId, deadline) : null);
                return;
            } catch (WriteConflictException e) {
                if (attempt == LifecycleWrites.MAX_ATTEMPTS || !LifecycleWrites.BACKOFF.pause(attempt, deadline, DynamoCalls.MIN_CALL_TIME)) {
                    throw DynamoCalls.outOfTime();
                }
            }
        }
    }

    static List<String> objectKeys(Collection<KeyValue> keys) {
        List<String> out = new ArrayList<>();
        for (KeyValue key : keys) out.add(StoreKeys.objectKey(key));
        return out;
    }

    static AttributeValue stringMap(Map<String, String> map) {
        Map<String, AttributeValue> m = new HashMap<>();
        map.forEach((k, v) -> m.put(k, s(v)));
        return AttributeValue.fromM(m);
    }
}

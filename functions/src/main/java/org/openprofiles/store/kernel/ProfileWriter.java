package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.model.StandardProfile;
import org.openprofiles.store.ProfileStore.HistoryAction;
import org.openprofiles.resolution.StandardKeys;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.kernel.RecordedOperations.PendingOperation;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.table.DecideAgainException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * CreateProfile's and UpdateProfile's writes, and DeleteProfileObject's. Fields they set are manual
 * ({@code manual} on the item), which ingestion never writes. Standard key values follow
 * the fields: a value the profile gains joins the value's holders; a value whose last source goes
 * (the field, AddProfileKey, an object, a moved object) stops naming the profile. A write
 * that takes a source away decides on the profile's shards and commits only if no source was added
 * since ({@link ProfileShards}); one that only adds updates one shard, like any attach.
 */
public final class ProfileWriter {
    private final ProfileSources writes;
    private final Clock clock;

    public ProfileWriter(ProfileSources writes, Clock clock) {
        this.writes = writes;
        this.clock = clock;
    }

    /** One transaction: the new profile and its standard keys (a full or spilled value: read first, then commit). */
    public void create(String domain, String profileId, Map<String, String> fields, History.Change change, Deadline deadline) {
        long now = clock.instant().getEpochSecond();
        ProfileItem item = new ProfileItem(StoreKeys.profile(domain, profileId), profileId, now, now, Map.of(), Map.copyOf(fields),
                Set.of(), Set.of(), 1, null);
        TransactWriteItem put = TransactWriteItem.builder().put(Put.builder().tableName(writes.calls.tableName)
                .item(ProfileItem.SCHEMA.itemToMap(item, true))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY)).build()).build();
        List<KeyValue> keys = StandardKeys.of(fields);
        // CREATED, listed on one of the new profile's shards (nothing else writes them yet).
        History.Entry record = change.record(HistoryAction.CREATED, profileId, History.PROFILE_TYPE, null,
                Json.write(StandardProfile.shape(profileId, fields)));
        List<TransactWriteItem> history = List.of(
                History.listing(writes.shards.add(domain, profileId, List.of(), Map.of()), List.of(record)),
                History.put(writes.calls.tableName, domain, record));
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(put);
        for (KeyValue key : keys) actions.add(writes.holders.addWhileItFits(domain, key, profileId));
        actions.addAll(history);
        try {
            writes.calls.transact(actions, deadline);
        } catch (DecideAgainException e) {
            // The id is new: a profile under it can only be this request's own write, whose answer was lost.
            Snapshot seen = writes.reader.read(ReadRequest.keys(domain, keys).andProfile(profileId), deadline);
            if (seen.profile() != null) return;
            if (writes.holders.spillFirst(writes.calls, domain, keys, seen, profileId, deadline)) throw e;
            List<TransactWriteItem> again = new ArrayList<>();
            again.add(put);
            for (KeyValue key : keys) again.addAll(writes.holders.add(domain, key, seen.keys().get(key), profileId));
            again.addAll(history);
            writes.calls.transact(again, deadline);
        }
    }

    /**
     * UpdateProfile: {@code set} paths set (manual values), {@code remove} paths removed. Reads {@code config} (the
     * domain's configuration item; null: none) in its first read and runs {@code afterRead} right after it, before
     * anything is decided: the caller confirms there that the configuration it passed is current (or throws).
     *
     * @throws ServiceException ResourceNotFoundException for an unknown profile
     * @throws PendingOperation when a DeleteProfile or MergeProfiles recorded on the profile is to be finished first
     */
    public void update(String domain, String profileId, Map<String, String> set, Set<String> remove,
                       ConfigRead config, Runnable afterRead, History.Change change, Deadline deadline) {
        Snapshot first = writes.reader.read(ReadRequest.keys(domain, StandardKeys.of(set)).andConfig(config).andProfile(profileId), deadline);
        afterRead.run();
        Snapshot.ProfileState profile = first.profile();
        if (profile == null) throw ServiceException.profileNotFound(domain, profileId);
        if (profile.op() != null) throw new PendingOperation(profile.op());
        Map<String, String> manual = new LinkedHashMap<>(profile.manualFields());
        Map<String, String> effective = new LinkedHashMap<>(profile.fields());
        manual.putAll(set);
        effective.putAll(set);
        List<String> ingestedToRemove = new ArrayList<>();
        for (String path : remove) {
            manual.remove(path);
            effective.remove(path);
            if (profile.ingestedFields().containsKey(path)) ingestedToRemove.add(path);
        }
        Set<KeyValue> before = new LinkedHashSet<>(StandardKeys.of(profile.fields()));
        Set<KeyValue> after = new LinkedHashSet<>(StandardKeys.of(effective));
        Set<KeyValue> gained = new LinkedHashSet<>(after);
        gained.removeAll(before);
        Set<KeyValue> dropped = new LinkedHashSet<>(before);
        dropped.removeAll(after);

        // UPDATED: the profile as this update leaves it.
        History.Entry record = change.record(HistoryAction.UPDATED, profileId, History.PROFILE_TYPE, null,
                Json.write(StandardProfile.shape(profileId, effective)));
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(profileUpdate(domain, profileId, manual, ingestedToRemove, profile.version()));
        actions.add(History.put(writes.calls.tableName, domain, record));
        Map<KeyValue, Snapshot.KeyState> relied = new LinkedHashMap<>();
        for (KeyValue key : gained) {
            Snapshot.KeyState state = first.keys().get(key);
            if (state != null && !state.spilled() && state.profileIds().contains(profileId)) {
                relied.put(key, state);
            } else if (!writes.holders.needsSpill(state, profileId)) {
                actions.addAll(state == null ? List.of(writes.holders.addWhileItFits(domain, key, profileId))
                        : writes.holders.add(domain, key, state, profileId));
            }
        }
        if (dropped.isEmpty()) {
            int at = actions.size();
            actions.add(History.listing(writes.shards.add(domain, profileId, List.of(), relied), List.of(record)));
            writes.shards.transact(actions, Set.of(at), deadline,
                    reasons -> DynamoCalls.conditionFailed(reasons, at) ? writes.shards.refusal(domain, profileId, actions.get(at), deadline) : null);
            return;
        }
        // A field that fed a key value is a source going away: decided on the shards, committed only if no source came meanwhile.
        Snapshot shardsAndValues = writes.reader.read(ReadRequest.keys(domain, dropped).andProfile(profileId).andShards(), deadline);
        if (shardsAndValues.shards().closedBy() != null) throw new DecideAgainException("the profile is being closed; read again", false);
        Set<KeyValue> lost = new LinkedHashSet<>(dropped);
        lost.removeAll(profile.manualKeys());
        lost.removeAll(profile.retainedKeys());
        lost.removeAll(writes.otherSources(domain, profileId, shardsAndValues.shards(), lost, null, null, deadline));
        commitRemoval(domain, profileId, actions, lost, shardsAndValues, shardsAndValues.shards(), record, deadline);
    }

    /**
     * A removal's commit: {@code actions}, each value in {@code lost} stops naming the profile (as
     * {@code values} read it), and every shard as read is bumped and records what was removed.
     */
    private void commitRemoval(String domain, String profileId, List<TransactWriteItem> actions, Set<KeyValue> lost, Snapshot values,
                               Shards shards, History.Entry record, Deadline deadline) {
        Map<KeyValue, Snapshot.KeyState> removing = new LinkedHashMap<>();
        for (KeyValue key : lost) {
            Snapshot.KeyState state = values.keys().get(key);
            List<TransactWriteItem> removal = writes.holders.remove(domain, key, state, profileId);
            actions.addAll(removal);
            if (!removal.isEmpty() && !state.spilled()) removing.put(key, state);
        }
        // The record is listed on the first shard: every shard is in this transaction.
        List<TransactWriteItem> removal = writes.shards.removal(domain, profileId, shards, removing);
        removal.set(0, History.listing(removal.get(0), List.of(record)));
        actions.addAll(removal);
        writes.calls.transact(actions, deadline);
    }

    private TransactWriteItem profileUpdate(String domain, String profileId, Map<String, String> manual, List<String> ingestedToRemove,
                                            long seenVersion) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#m", ProfileItem.MANUAL,
                "#v", ProfileItem.VERSION, "#u", "updatedAt"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":m", ProfileMerge.stringMap(manual), ":seen", n(seenVersion),
                ":next", n(seenVersion + 1), ":u", n(clock.instant().getEpochSecond())));
        StringBuilder expression = new StringBuilder("SET #m = :m, #v = :next, #u = :u");
        if (!ingestedToRemove.isEmpty()) {
            List<String> removes = new ArrayList<>();
            names.put("#F", ProfileItem.FIELDS);
            for (int i = 0; i < ingestedToRemove.size(); i++) {
                names.put("#r" + i, ingestedToRemove.get(i));
                removes.add("#F.#r" + i);
            }
            expression.append(" REMOVE ").append(String.join(", ", removes));
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(writes.calls.tableName)
                .key(itemKey(StoreKeys.profile(domain, profileId)))
                .updateExpression(expression.toString())
                .conditionExpression("attribute_exists(#pk) AND #v = :seen")
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    /**
     * DeleteProfileObject: the object goes; each key value it brought stops naming the profile
     * unless another source still holds it (the profile's fields, AddProfileKey, another object).
     * Decided on one read of the object, the profile and its shards, committed only if no source
     * was added since (4 calls at most).
     *
     * @throws ServiceException ResourceNotFoundException when the object is not on that profile
     * @throws PendingOperation when a DeleteProfile or MergeProfiles recorded on the profile is to be finished first
     */
    public void deleteObject(String domain, String profileId, String objectTypeName, String uniqueKey, History.Change change,
                             Deadline deadline) {
        Snapshot seen = writes.reader.read(ReadRequest.profile(domain, profileId).andObject(objectTypeName, uniqueKey).andShards(), deadline);
        if (seen.profile() == null) throw ServiceException.profileNotFound(domain, profileId);
        if (seen.profile().op() != null) throw new PendingOperation(seen.profile().op());
        if (seen.object() == null || !profileId.equals(seen.object().profileId())) {
            throw ServiceException.notFound("Profile '" + profileId + "' has no object of type " + objectTypeName
                    + " with ProfileObjectUniqueKey '" + uniqueKey + "'");
        }
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(TransactWriteItem.builder().delete(software.amazon.awssdk.services.dynamodb.model.Delete.builder()
                .tableName(writes.calls.tableName).key(itemKey(StoreKeys.object(domain, objectTypeName, uniqueKey)))
                .conditionExpression("#profileId = :p")
                .expressionAttributeNames(Map.of("#profileId", "profileId"))
                .expressionAttributeValues(Map.of(":p", s(profileId))).build()).build());
        History.Entry record = change.record(HistoryAction.DELETED_BY_CUSTOMER, profileId, objectTypeName, uniqueKey, null);
        // Under the id of the EXPIRED record dated at its expiry, which it replaces: the object ends once.
        if (seen.object().endRecord() != null) record = record.as(seen.object().endRecord());
        actions.add(History.put(writes.calls.tableName, domain, record));
        Set<KeyValue> brought = seen.object().profileKeys();
        if (brought.isEmpty()) {
            // Its record is listed on one shard, like an add: a profile closed meanwhile refuses it.
            int at = actions.size();
            actions.add(History.listing(writes.shards.add(domain, profileId, List.of(), Map.of()), List.of(record)));
            writes.shards.transact(actions, Set.of(at), deadline,
                    reasons -> DynamoCalls.conditionFailed(reasons, at) ? writes.shards.refusal(domain, profileId, actions.get(at), deadline) : null);
            return;
        }
        Set<KeyValue> lost = new LinkedHashSet<>(brought);
        lost.removeAll(seen.profile().keysOnItem());
        lost.removeAll(writes.otherSources(domain, profileId, seen.shards(), lost, objectTypeName, uniqueKey, deadline));
        Snapshot values = lost.isEmpty() ? seen : writes.reader.read(ReadRequest.keys(domain, lost), deadline);
        // Even when nothing is lost: another removal deciding that this object is the source it keeps must fail.
        commitRemoval(domain, profileId, actions, lost, values, seen.shards(), record, deadline);
    }
}

package org.openprofiles.store.ingest;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.ProfileStore.HistoryAction;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.kernel.History;
import org.openprofiles.store.kernel.RecordedOperations.PendingOperation;
import org.openprofiles.store.kernel.ProfileShards;
import org.openprofiles.store.kernel.ConsistentReads;
import org.openprofiles.store.kernel.KeyValueHolders;
import org.openprofiles.store.kernel.Snapshot;
import org.openprofiles.store.kernel.ReadRequest;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.table.DecideAgainException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * AddProfileKey's write: the profile joins the holders of each value, atomically, with a check
 * that the profile exists. One transaction without a read while every value fits its item; a
 * value that is full or spilled takes the read-then-write path.
 */
public final class ProfileKeyWriter {
    private final DynamoCalls calls;
    private final KeyValueHolders holders;
    private final ConsistentReads reader;
    private final ProfileShards shards;

    public ProfileKeyWriter(DynamoCalls calls, KeyValueHolders holders, ConsistentReads reader, ProfileShards shards) {
        this.calls = calls;
        this.holders = holders;
        this.reader = reader;
        this.shards = shards;
    }

    /**
     * @throws ServiceException ResourceNotFoundException when the profile does not exist (or is closed)
     * @throws DecideAgainException when a concurrent transaction touched the same items or DynamoDB throttled
     */
    public void addKeys(String domain, String profileId, Collection<KeyValue> keys, History.Change change, Deadline deadline) {
        List<KeyValue> values = List.copyOf(new LinkedHashSet<>(keys));
        History.Entry record = record(HistoryAction.ADDED_PROFILE_KEY, profileId, values, change);
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(profileRecordsManualKeys(domain, profileId, values, "ADD"));
        actions.add(History.listing(shards.add(domain, profileId, List.of(), Map.of()), List.of(record)));
        for (KeyValue key : values) actions.add(holders.addWhileItFits(domain, key, profileId));
        actions.add(History.put(calls.tableName, domain, record));
        try {
            shards.transact(actions, Set.of(1), deadline, reasons -> {
                if (DynamoCalls.conditionFailed(reasons, 0)) return ServiceException.profileNotFound(domain, profileId);
                if (DynamoCalls.conditionFailed(reasons, 1)) return shards.refusal(domain, profileId, actions.get(1), deadline);
                for (int i = 2; i < reasons.size() - 1; i++) if (DynamoCalls.conditionFailed(reasons, i)) return new FullValue();
                return null;
            });
        } catch (FullValue e) {
            addReadingFirst(domain, profileId, values, record, deadline);
        }
    }

    /**
     * DeleteProfileKey: the profile stops holding each value (whatever the value's sources), in one consistent read of
     * the profile and the values (with {@code config}, the domain's configuration item, null: none; {@code afterRead}
     * runs right after it: the caller confirms there that the configuration it normalised the values with is current)
     * and one transaction conditioned on what was read.
     *
     * @throws ServiceException ResourceNotFoundException for an unknown profile or a value it does not hold
     */
    public void deleteKeys(String domain, String profileId, Collection<KeyValue> keys, ConfigRead config, Runnable afterRead,
                           History.Change change, Deadline deadline) {
        List<KeyValue> values = List.copyOf(new LinkedHashSet<>(keys));
        Snapshot seen = reader.read(ReadRequest.keys(domain, values).andConfig(config).andProfile(profileId), deadline);
        afterRead.run();
        if (seen.profile() == null) throw ServiceException.profileNotFound(domain, profileId);
        if (seen.profile().op() != null) throw new PendingOperation(seen.profile().op());
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(profileRecordsManualKeys(domain, profileId, values, "DELETE"));
        for (KeyValue key : values) {
            Snapshot.KeyState state = seen.keys().get(key);
            boolean held = state != null && (state.spilled() || state.profileIds().contains(profileId));
            if (!held) {
                throw ServiceException.notFound("Profile '" + profileId + "' does not hold the value '" + key.value()
                        + "' of key " + key.keyName());
            }
            actions.addAll(holders.remove(domain, key, state, profileId));
        }
        // The record is listed on a shard like any add: a profile closed meanwhile refuses it (404), and its erasure finds it.
        History.Entry record = record(HistoryAction.DELETED_PROFILE_KEY, profileId, values, change);
        int at = actions.size();
        actions.add(History.listing(shards.add(domain, profileId, List.of(), Map.of()), List.of(record)));
        actions.add(History.put(calls.tableName, domain, record));
        shards.transact(actions, Set.of(at), deadline, reasons -> {
            if (DynamoCalls.conditionFailed(reasons, 0)) return ServiceException.profileNotFound(domain, profileId);
            if (DynamoCalls.conditionFailed(reasons, at)) return shards.refusal(domain, profileId, actions.get(at), deadline);
            for (int i = 1; i < at; i++) {
                if (DynamoCalls.conditionFailed(reasons, i) && actions.get(i).delete() != null && actions.get(i).delete().conditionExpression() == null) {
                    return ServiceException.notFound("Profile '" + profileId + "' does not hold one of the values given");
                }
            }
            return null;
        });
    }

    /** AddProfileKey's or DeleteProfileKey's record: the key as given, {"KeyName","Values"} (the values normalised). */
    private static History.Entry record(HistoryAction action, String profileId, List<KeyValue> values, History.Change change) {
        List<String> strings = new ArrayList<>();
        for (KeyValue key : values) strings.add(key.value());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("KeyName", values.get(0).keyName());
        content.put("Values", strings);
        return change.record(action, profileId, History.PROFILE_TYPE, null, Json.write(content));
    }

    /** Records (ADD) or forgets (DELETE) AddProfileKey as a source of the values, on the profile item, which must exist. */
    private TransactWriteItem profileRecordsManualKeys(String domain, String profileId, List<KeyValue> values, String op) {
        List<String> objectKeys = new ArrayList<>();
        for (KeyValue key : values) objectKeys.add(StoreKeys.keyValueEntry(key));
        return TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName)
                .key(itemKey(StoreKeys.profile(domain, profileId)))
                .updateExpression(op + " #mk :ks SET #v = if_not_exists(#v, :zero) + :one")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#mk", ProfileItem.MANUAL_KEYS,
                        "#v", ProfileItem.VERSION))
                .expressionAttributeValues(Map.of(":ks", AttributeValue.fromSs(objectKeys), ":one", n(1), ":zero", n(0)))
                .build()).build();
    }

    /** A value is spilled, or full and about to spill: the fast path's condition failed on it. */
    private static final class FullValue extends RuntimeException {
        FullValue() {
            super(null, null, false, false);
        }
    }

    /** For values that are full or spilled: read them, spill what must spill, then add in one transaction. */
    private void addReadingFirst(String domain, String profileId, List<KeyValue> values, History.Entry record, Deadline deadline) {
        Snapshot seen = reader.read(ReadRequest.keys(domain, values), deadline);
        if (holders.spillFirst(calls, domain, values, seen, profileId, deadline)) {
            throw new DecideAgainException("a key value was spilled; read again", false);
        }
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(profileRecordsManualKeys(domain, profileId, values, "ADD"));
        actions.add(History.listing(shards.add(domain, profileId, List.of(), Map.of()), List.of(record)));
        for (KeyValue key : values) actions.addAll(holders.add(domain, key, seen.keys().get(key), profileId));
        actions.add(History.put(calls.tableName, domain, record));
        shards.transact(actions, Set.of(1), deadline, reasons -> DynamoCalls.conditionFailed(reasons, 0) ? ServiceException.profileNotFound(domain, profileId)
                : DynamoCalls.conditionFailed(reasons, 1) ? shards.refusal(domain, profileId, actions.get(1), deadline) : null);
    }

}

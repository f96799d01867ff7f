package org.openprofiles.store.ingest;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.json.Json;
import org.openprofiles.model.StandardProfile;
import org.openprofiles.store.ObjectPut;
import org.openprofiles.store.ProfileStore.HistoryAction;
import org.openprofiles.store.kernel.History;
import org.openprofiles.store.kernel.ProfileShards;
import org.openprofiles.store.kernel.Shards;
import org.openprofiles.store.kernel.KeyValueHolders;
import org.openprofiles.store.kernel.Snapshot;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.table.DecideAgainException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Commits one PutProfileObject decision atomically. It touches only what the decision changes:
 * the object, the profile when it is created or fields are set, and the key values the profile
 * joins (conditioned on the revision read). Key values the profile already holds are not touched,
 * so attaches that change nothing shared never hold the same item (docs/data-model.md).
 */
public final class ObjectWriter {
    /**
     * A put was refused by a shard of a profile it adds to ({@link ProfileShards}): the profile is closed
     * (DeleteProfile or MergeProfiles), or a value the put relied on was removed from it since the put's
     * read. Nothing was written; the caller reads that shard
     * ({@link org.openprofiles.store.ProfileStore#closedState}) and decides again.
     */
    public static final class ProfileClosedException extends RuntimeException {
        private final String profileId;
        private final int shard;

        public ProfileClosedException(String profileId, int shard) {
            super("refused by a profile shard", null, false, false);
            this.profileId = profileId;
            this.shard = shard;
        }

        public String profileId() {
            return profileId;
        }

        public int shard() {
            return shard;
        }
    }

    private final DynamoCalls calls;
    private final KeyValueHolders holders;
    private final ProfileShards shards;
    private final Clock clock;

    public ObjectWriter(DynamoCalls calls, KeyValueHolders holders, ProfileShards shards, Clock clock) {
        this.calls = calls;
        this.holders = holders;
        this.shards = shards;
        this.clock = clock;
    }

    /**
     * @throws DecideAgainException when something the decision rests on changed, an item was held, or DynamoDB throttled
     * @throws ProfileClosedException when a shard of the profile it attaches to (or moves the object from) refused it:
     *                                 the profile is closed, or a value the put relied on was removed
     */
    public void write(ObjectPut put, Snapshot seen, Map<String, Optional<String>> closedHolders, History.Change change, Deadline deadline) {
        if (put.profileId() != null && holders.spillFirst(calls, put.domainName(), put.profileKeys(), seen, put.profileId(), deadline)) {
            throw new DecideAgainException("a key value was spilled; read again", false);
        }
        long now = clock.instant().getEpochSecond();
        History.Entry ending = ending(put, seen, change);
        List<TransactWriteItem> actions = new ArrayList<>();
        Map<Integer, String> refusedBy = new HashMap<>(); // action index of a shard add → its profile
        actions.add(objectPut(put, seen, ending, now, put.keptProfileId()));
        String movedFrom = seen.object() == null || seen.object().profileId() == null
                || seen.object().profileId().equals(put.profileId()) ? null : seen.object().profileId();
        if (movedFrom != null) {
            // The old profile must still be open (its erasure may be deleting this object), and keeps
            // the keys the object brought it (keys accumulate): listed so that its erasure finds them.
            refusedBy.put(actions.size(), movedFrom);
            actions.add(shards.add(put.domainName(), movedFrom, List.of(), Map.of()));
            if (!seen.object().profileKeys().isEmpty()) actions.add(retainKeys(put.domainName(), movedFrom, seen.object().profileKeys()));
            // It will not expire there: the record dated at its expiry on the old profile goes.
            if (seen.object().endRecord() != null) actions.add(History.delete(calls.tableName, put.domainName(), seen.object().endRecord()));
        }
        if (put.profileId() != null) {
            List<TransactWriteItem> adds = new ArrayList<>();
            if (put.createProfile()) {
                adds.add(profileCreate(put, now));
            } else if (!put.profileFields().isEmpty()) {
                adds.add(profileUpdate(put, now));
            }
            for (KeyValue key : new LinkedHashSet<>(put.profileKeys())) {
                adds.addAll(holders.add(put.domainName(), key, seen.keys().get(key), put.profileId(), closedHolders));
            }
            boolean alreadyOnProfile = seen.object() != null && put.profileId().equals(seen.object().profileId());
            // The object joins the profile's membership, or brings it key values it did not record yet.
            boolean joins = !alreadyOnProfile || !seen.object().profileKeys().containsAll(put.profileKeys());
            Shards.Member member = new Shards.Member(put.objectTypeName(), put.uniqueKey(),
                    new LinkedHashSet<>(put.profileKeys()));
            // The records of this put, listed on the shard it updates (the profile's erasure finds them there).
            List<History.Entry> records = records(put, change);
            if (ending != null) records.add(ending);
            if (put.createProfile()) {
                actions.add(History.listing(shards.add(put.domainName(), put.profileId(), List.of(member), Map.of()), records));
            } else {
                // Adds to an existing profile (an object, values, fields, or at least its history): one shard, refused
                // once the profile is closed or a value this put relies on was removed since its read (docs/data-model.md).
                if (!joins && alreadyOnProfile && adds.isEmpty() && put.keptProfileId() == null) {
                    // Only the object changes, in place: it must still be on its profile (an erasure deletes it after).
                    actions.set(0, objectPut(put, seen, ending, now, put.profileId()));
                }
                refusedBy.put(actions.size(), put.profileId());
                actions.add(History.listing(shards.add(put.domainName(), put.profileId(), joins ? List.of(member) : List.of(),
                        relied(put, seen)), records));
            }
            actions.addAll(adds);
            for (History.Entry record : records) actions.add(History.put(calls.tableName, put.domainName(), record));
        }
        if (refusedBy.isEmpty()) {
            calls.commit(actions, deadline);
            return;
        }
        shards.transact(actions, refusedBy.keySet(), deadline, reasons -> {
            for (Map.Entry<Integer, String> refused : refusedBy.entrySet()) {
                int at = refused.getKey();
                if (DynamoCalls.conditionFailed(reasons, at)) return new ProfileClosedException(refused.getValue(), ProfileShards.shardOf(actions.get(at)));
            }
            return null;
        });
    }

    /**
     * The history a put writes on its profile: INGESTED (the object as stored, expiring with it), and CREATED for a
     * profile it infers or UPDATED when its mapping sets profile fields (the profile as the put leaves it where it
     * creates it; the fields it set otherwise: the put does not read the profile).
     */
    private static List<History.Entry> records(ObjectPut put, History.Change change) {
        List<History.Entry> records = new ArrayList<>();
        records.add(change.record(HistoryAction.INGESTED, put.profileId(), put.objectTypeName(), put.uniqueKey(), put.object(),
                put.expiresAt()));
        if (put.createProfile() || !put.profileFields().isEmpty()) {
            records.add(change.record(put.createProfile() ? HistoryAction.CREATED : HistoryAction.UPDATED, put.profileId(),
                    History.PROFILE_TYPE, null, Json.write(StandardProfile.shape(put.profileId(), put.profileFields()))));
        }
        return records;
    }

    /**
     * The record that ends the object on its profile ({@link History.Change#expiry}): the one it has there when it stays
     * on the profile it was read on, else a new one; null for an object that joins no profile.
     */
    private static History.Entry ending(ObjectPut put, Snapshot seen, History.Change change) {
        if (put.profileId() == null || put.expiresAt() == null) return null;
        boolean stays = seen.object() != null && put.profileId().equals(seen.object().profileId());
        return change.expiry(stays ? seen.object().endRecord() : null, put.profileId(), put.objectTypeName(), put.uniqueKey(), put.expiresAt());
    }

    /**
     * The values the object brings that the profile already held when read, which this write does
     * not touch: a removal of one of them since the read must refuse it (docs/data-model.md).
     */
    private static Map<KeyValue, Snapshot.KeyState> relied(ObjectPut put, Snapshot seen) {
        Map<KeyValue, Snapshot.KeyState> relied = new java.util.LinkedHashMap<>();
        for (KeyValue key : put.profileKeys()) {
            Snapshot.KeyState state = seen.keys().get(key);
            if (state != null && !state.spilled() && state.profileIds().contains(put.profileId())) relied.put(key, state);
        }
        return relied;
    }

    private TransactWriteItem retainKeys(String domain, String profileId, Set<KeyValue> keys) {
        List<String> ks = new ArrayList<>();
        for (KeyValue key : keys) ks.add(StoreKeys.keyValueEntry(key));
        return TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName)
                .key(itemKey(StoreKeys.profile(domain, profileId)))
                .updateExpression("ADD #rk :ks")
                .expressionAttributeNames(Map.of("#rk", ProfileItem.RETAINED_KEYS))
                .expressionAttributeValues(Map.of(":ks", AttributeValue.fromSs(ks)))
                .build()).build();
    }

    /**
     * The object is written whatever a concurrent put wrote (last writer wins, as a replace does),
     * unless the put carries the source's own order ({@link ObjectPut#sourceUpdatedAt}): then only over
     * an older copy, so that of two copies racing the newer stays whatever the order of the commits.
     * A decision to keep the object where it was also rests on where it is.
     */
    private TransactWriteItem objectPut(ObjectPut put, Snapshot seen, History.Entry ending, long now, String mustBeOn) {
        Set<String> objectKeys = new LinkedHashSet<>();
        for (KeyValue key : put.objectKeys()) objectKeys.add(StoreKeys.keyValueEntry(key));
        String gsi1pk = put.profileId() == null
                ? StoreKeys.unattachedObjects(put.domainName(), put.objectTypeName())
                : StoreKeys.profileObjects(put.domainName(), put.profileId(), put.objectTypeName());
        Set<String> profileKeys = new LinkedHashSet<>();
        if (put.profileId() != null) for (KeyValue key : put.profileKeys()) profileKeys.add(StoreKeys.keyValueEntry(key));
        ObjectItem item = new ObjectItem(StoreKeys.object(put.domainName(), put.objectTypeName(), put.uniqueKey()),
                put.objectTypeName(), put.uniqueKey(), put.profileId(), put.object(), objectKeys, profileKeys,
                now, put.expiresAt(), gsi1pk, StoreKeys.newestFirst(clock.millis(), put.uniqueKey()), put.sourceUpdatedAt(),
                ending == null ? null : ending.id());
        Put.Builder p = Put.builder().tableName(calls.tableName).item(ObjectItem.SCHEMA.itemToMap(item, true));
        List<String> conditions = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        // The object's life as read: a put that found none (or one past its expiry) starts one with an end record of its
        // own, one that found it keeps its end record. Two puts racing to start it would otherwise leave an end record
        // that no object names (an EXPIRED that never happens): the second decides again.
        if (seen.object() == null) {
            conditions.add("(attribute_not_exists(#pk) OR #exp <= :now)");
            names.put("#pk", ProfilesTable.PARTITION_KEY);
            names.put("#exp", ProfilesTable.TTL_ATTRIBUTE);
            values.put(":now", n(now));
        } else if (seen.object().endRecord() == null) {
            conditions.add("attribute_not_exists(#end)");
            names.put("#end", ObjectItem.END_RECORD);
        } else {
            conditions.add("#end = :end");
            names.put("#end", ObjectItem.END_RECORD);
            values.put(":end", s(seen.object().endRecord()));
        }
        if (mustBeOn != null) {
            conditions.add("#profileId = :kept");
            names.put("#profileId", "profileId");
            values.put(":kept", s(mustBeOn));
        }
        if (put.sourceUpdatedAt() != null) {
            // Absent, expired (absent for the API: Snapshot), stored without an order, or older.
            conditions.add("(attribute_not_exists(#su) OR #su < :su OR #exp <= :now)");
            names.put("#su", ObjectItem.SOURCE_UPDATED_AT);
            names.put("#exp", ProfilesTable.TTL_ATTRIBUTE);
            values.put(":su", n(put.sourceUpdatedAt()));
            values.put(":now", n(now));
        }
        p.conditionExpression(String.join(" AND ", conditions)).expressionAttributeNames(names);
        if (!values.isEmpty()) p.expressionAttributeValues(values);
        return TransactWriteItem.builder().put(p.build()).build();
    }

    private TransactWriteItem profileCreate(ObjectPut put, long now) {
        ProfileItem item = new ProfileItem(StoreKeys.profile(put.domainName(), put.profileId()), put.profileId(), now, now,
                put.profileFields());
        Put p = Put.builder().tableName(calls.tableName).item(ProfileItem.SCHEMA.itemToMap(item, true))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY))
                .build();
        return TransactWriteItem.builder().put(p).build();
    }

    /**
     * Sets only the given fields: an ingestion never blanks a field it has no value for. The
     * placeholders are as short as they can be (",#F.#249=:249" is 13 characters), so that the
     * 250 fields an object type may target stay inside DynamoDB's 4 KB expression limit.
     */
    public static TransactWriteItem profileUpdate(String tableName, String pk, Map<String, String> fields, long now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder expression = new StringBuilder("SET #u=:u,#v=if_not_exists(#v,:z)+:o");
        names.put("#pk", ProfilesTable.PARTITION_KEY);
        names.put("#u", "updatedAt");
        names.put("#v", ProfileItem.VERSION);
        values.put(":z", n(0));
        values.put(":o", n(1));
        names.put("#F", ProfileItem.FIELDS);
        values.put(":u", n(now));
        int i = 0;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            names.put("#" + i, field.getKey());
            values.put(":" + i, s(field.getValue()));
            expression.append(",#F.#").append(i).append("=:").append(i);
            i++;
        }
        Update u = Update.builder().tableName(tableName)
                .key(itemKey(pk))
                .updateExpression(expression.toString())
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
        return TransactWriteItem.builder().update(u).build();
    }

    private TransactWriteItem profileUpdate(ObjectPut put, long now) {
        return profileUpdate(calls.tableName, StoreKeys.profile(put.domainName(), put.profileId()), put.profileFields(), now);
    }
}

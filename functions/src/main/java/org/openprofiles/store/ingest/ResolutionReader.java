package org.openprofiles.store.ingest;

import static org.openprofiles.store.table.DynamoCalls.key;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.lifecycle.ProfileOp;
import org.openprofiles.store.lifecycle.ProfileShards;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.KeyItem;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The read a PutProfileObject decides on: its key values and its object, in one consistent BatchGetItem. */
public final class ResolutionReader {
    private final DynamoCalls calls;
    private final Clock clock;

    public ResolutionReader(DynamoCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /**
     * One strongly consistent BatchGetItem of the given key values and the object (the base table,
     * never an index: resolution must see every write that finished before it began). An object
     * past its expiry counts as absent even before DynamoDB's TTL has deleted it.
     *
     * @param objectTypeName null to read key values only
     */
    public Snapshot read(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, Deadline deadline) {
        return read(domain, keys, objectTypeName, uniqueKey, null, deadline, null);
    }

    /** The same read, with a profile's item too (null: none). */
    public Snapshot read(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, Deadline deadline,
                         String profileId) {
        return read(domain, keys, objectTypeName, uniqueKey, null, deadline, profileId);
    }

    /**
     * The same read, also fetching {@code config} (the domain's configuration item) when it is not
     * null: checking that a container's cached configuration is current costs no extra call.
     */
    public Snapshot read(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, ConfigRead config,
                         Deadline deadline) {
        return read(domain, keys, objectTypeName, uniqueKey, config, deadline, null);
    }

    /** The general read: key values, an object, the domain's configuration item and a profile item, each optional. */
    public Snapshot read(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, ConfigRead config,
                         Deadline deadline, String profileId) {
        return read(domain, keys, objectTypeName, uniqueKey, config, deadline, profileId, false);
    }

    /** The same, with the profile's shards too when {@code withShards} (a removal decides on them): still one BatchGetItem. */
    public Snapshot read(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, ConfigRead config,
                  Deadline deadline, String profileId, boolean withShards) {
        Map<String, KeyValue> keyByPk = new LinkedHashMap<>();
        for (KeyValue key : keys) keyByPk.put(StoreKeys.keyValue(domain, key), key);
        String objectPk = objectTypeName == null ? null : StoreKeys.object(domain, objectTypeName, uniqueKey);

        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String pk : keyByPk.keySet()) wanted.add(key(pk));
        if (objectPk != null) wanted.add(key(objectPk));
        if (config != null) wanted.add(config.startRead());
        String profilePk = profileId == null ? null : StoreKeys.profile(domain, profileId);
        if (profilePk != null) wanted.add(key(profilePk));
        if (withShards) wanted.addAll(ProfileShards.keys(domain, profileId));
        String shardPrefix = withShards ? StoreKeys.shardPrefix(domain, profileId) : null;
        List<Map<String, AttributeValue>> shardItems = new ArrayList<>();
        Snapshot.ProfileState profileState = null;

        Map<KeyValue, Snapshot.KeyState> keyStates = new HashMap<>();
        Snapshot.ObjectState objectState = null;
        long now = clock.instant().getEpochSecond();
        for (Map<String, AttributeValue> item : calls.batchGet(wanted, deadline)) {
            String pk = item.get(ProfilesTable.PARTITION_KEY).s();
            if (shardPrefix != null && pk.startsWith(shardPrefix)) {
                shardItems.add(item);
            } else if (config != null && config.matches(pk)) {
                config.found(item);
            } else if (pk.equals(objectPk)) {
                ObjectItem object = ObjectItem.SCHEMA.mapToItem(item);
                if (!object.expiredAt(now)) objectState = objectState(object);
            } else if (pk.equals(profilePk)) {
                profileState = profileState(ProfileItem.SCHEMA.mapToItem(item));
            } else {
                keyStates.put(keyByPk.get(pk), KeyHolders.state(KeyItem.SCHEMA.mapToItem(item)));
            }
        }
        return new Snapshot(keyStates, objectState, profileState,
                withShards ? ProfileShards.parse(domain, profileId, shardItems) : null);
    }

    static Snapshot.ObjectState objectState(ObjectItem object) {
        java.util.Set<KeyValue> keys = new java.util.LinkedHashSet<>();
        for (String k : object.profileKeys()) keys.add(StoreKeys.parseObjectKey(k));
        return new Snapshot.ObjectState(object.profileId(), keys, object.sourceUpdatedAt());
    }

    public static Snapshot.ProfileState profileState(ProfileItem item) {
        java.util.Set<KeyValue> manual = new java.util.LinkedHashSet<>();
        for (String k : item.manualKeys()) manual.add(StoreKeys.parseObjectKey(k));
        java.util.Set<KeyValue> retained = new java.util.LinkedHashSet<>();
        for (String k : item.retainedKeys()) retained.add(StoreKeys.parseObjectKey(k));
        return new Snapshot.ProfileState(item.profileId(), item.effectiveFields(), item.fields(), item.manual(), manual, retained,
                item.version(), item.op() == null ? null : ProfileOp.parse(item.op()));
    }
}

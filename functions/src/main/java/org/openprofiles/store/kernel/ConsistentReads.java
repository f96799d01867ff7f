package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;

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
import org.openprofiles.store.table.OperationRecord;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.KeyItem;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The one consistent read every write of profile data decides on ({@link ReadRequest}). */
public final class ConsistentReads {
    private final DynamoCalls calls;
    private final Clock clock;

    public ConsistentReads(DynamoCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /**
     * One strongly consistent BatchGetItem of what {@code request} names (the base table, never an index: a write must
     * see every write that finished before it began). An object past its expiry counts as absent even before
     * DynamoDB's TTL has deleted it.
     */
    public Snapshot read(ReadRequest request, Deadline deadline) {
        String domain = request.domain();
        String objectTypeName = request.objectTypeName();
        String uniqueKey = request.uniqueKey();
        ConfigRead config = request.config();
        String profileId = request.profileId();
        boolean withShards = request.withShards();
        Collection<KeyValue> keys = request.keys();
        Map<String, KeyValue> keyByPk = new LinkedHashMap<>();
        for (KeyValue key : keys) keyByPk.put(StoreKeys.keyValue(domain, key), key);
        String objectPk = objectTypeName == null ? null : StoreKeys.object(domain, objectTypeName, uniqueKey);

        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String pk : keyByPk.keySet()) wanted.add(itemKey(pk));
        if (objectPk != null) wanted.add(itemKey(objectPk));
        if (config != null) wanted.add(config.startRead());
        String profilePk = profileId == null ? null : StoreKeys.profile(domain, profileId);
        if (profilePk != null) wanted.add(itemKey(profilePk));
        if (withShards) wanted.addAll(ProfileShards.itemKeys(domain, profileId));
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
                keyStates.put(keyByPk.get(pk), KeyValueHolders.state(KeyItem.SCHEMA.mapToItem(item)));
            }
        }
        return new Snapshot(keyStates, objectState, profileState,
                withShards ? ProfileShards.parse(domain, profileId, shardItems) : null);
    }

    static Snapshot.ObjectState objectState(ObjectItem object) {
        java.util.Set<KeyValue> keys = new java.util.LinkedHashSet<>();
        for (String k : object.profileKeys()) keys.add(StoreKeys.parseKeyValueEntry(k));
        return new Snapshot.ObjectState(object.profileId(), keys, object.sourceUpdatedAt(), object.endRecord());
    }

    public static Snapshot.ProfileState profileState(ProfileItem item) {
        java.util.Set<KeyValue> manual = new java.util.LinkedHashSet<>();
        for (String k : item.manualKeys()) manual.add(StoreKeys.parseKeyValueEntry(k));
        java.util.Set<KeyValue> retained = new java.util.LinkedHashSet<>();
        for (String k : item.retainedKeys()) retained.add(StoreKeys.parseKeyValueEntry(k));
        return new Snapshot.ProfileState(item.profileId(), item.effectiveFields(), item.fields(), item.manual(), manual, retained,
                item.version(), item.op() == null ? null : OperationRecord.parse(item.op()));
    }
}

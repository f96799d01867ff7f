package org.openprofiles.store;

import static org.openprofiles.store.DynamoCalls.key;
import static org.openprofiles.store.DynamoCalls.s;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.resolution.StandardKeys;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * DeleteProfile's writes (spec 11): close the profile's gates, then erase its objects, its id from
 * every key value it holds (a value left with no holder is deleted) and, last, its item. Work grows
 * with the profile's objects and keys, never with the domain. Repeating the call on a profile whose
 * erasure ran out of time continues it (the item is deleted last, closing gates again is harmless).
 */
public final class ProfileEraser {
    private final LifecycleWrites writes;
    private final Gates gates;

    ProfileEraser(LifecycleWrites writes, Gates gates) {
        this.writes = writes;
        this.gates = gates;
    }

    /** @throws org.openprofiles.model.ServiceException ResourceNotFoundException for an unknown profile */
    public void erase(String domain, String profileId, Collection<String> objectTypeNames, Deadline deadline) {
        Snapshot.ProfileState profile = writes.reader.read(domain, List.of(), null, null, deadline, profileId).profile();
        if (profile == null) throw KeyWriter.notFound(domain, profileId);
        gates.close(domain, profileId, null, deadline);
        // Read again after closing: nothing changes the item any more.
        profile = writes.reader.read(domain, List.of(), null, null, deadline, profileId).profile();
        if (profile == null) throw KeyWriter.notFound(domain, profileId);

        Set<KeyValue> keys = keysOnItem(profile);
        Set<KeyValue> done = new LinkedHashSet<>();
        for (int pass = 1; ; pass++) {
            List<LifecycleWrites.Found> found = writes.objectsOf(domain, profileId, objectTypeNames, deadline);
            if (found.isEmpty()) break;
            if (pass == LifecycleWrites.MAX_INDEX_PASSES) throw DynamoCalls.outOfTime();
            List<TransactWriteItem> deletes = new ArrayList<>();
            for (LifecycleWrites.Found object : found) {
                keys.addAll(object.profileKeys());
                deletes.add(deleteObject(object.pk(), profileId));
            }
            // Keys first: an object is deleted only once the key values it brought no longer name this profile.
            removeFrom(domain, profileId, keys, done, deadline);
            writes.commitInChunks(deletes, deadline);
        }
        removeFrom(domain, profileId, keys, done, deadline);
        DynamoCalls.call(() -> writes.calls.dynamo.deleteItem(r -> r.tableName(writes.calls.tableName)
                .key(key(StoreKeys.profile(domain, profileId))).overrideConfiguration(DynamoCalls.within(deadline))));
    }

    private void removeFrom(String domain, String profileId, Set<KeyValue> keys, Set<KeyValue> done, Deadline deadline) {
        List<KeyValue> todo = new ArrayList<>();
        for (KeyValue key : keys) if (!done.contains(key)) todo.add(key);
        writes.changeHolders(domain, todo, (key, seen) -> writes.holders.remove(domain, key, seen, profileId), deadline);
        done.addAll(todo);
    }

    /** The key values the profile item itself is a source of: its standard fields, AddProfileKey's, moved objects'. */
    static Set<KeyValue> keysOnItem(Snapshot.ProfileState profile) {
        Set<KeyValue> keys = new LinkedHashSet<>(StandardKeys.of(profile.fields()));
        keys.addAll(StandardKeys.of(profile.ingestedFields()));
        keys.addAll(profile.manualKeys());
        keys.addAll(profile.retainedKeys());
        return keys;
    }

    /** Deletes an object still on the profile (or already gone: the index lags behind the table). */
    TransactWriteItem deleteObject(String pk, String profileId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(writes.calls.tableName).key(key(pk))
                .conditionExpression("attribute_not_exists(#pk) OR #profileId = :p")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#profileId", "profileId"))
                .expressionAttributeValues(Map.of(":p", s(profileId)))
                .build()).build();
    }
}

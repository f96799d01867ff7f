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
 * DeleteProfile's writes (spec 11): close the profile's gates, then erase its objects (found in its
 * {@link Membership}), its id from every key value it holds (a value left with no holder is deleted),
 * its membership and, last, its item. Work grows
 * with the profile's objects and keys, never with the domain. Repeating the call on a profile whose
 * erasure ran out of time continues it (the item is deleted last, closing gates again is harmless).
 */
public final class ProfileEraser {
    private final LifecycleWrites writes;
    private final Gates gates;
    private final Membership membership;
    private final ProfileFence fence;

    ProfileEraser(LifecycleWrites writes, Gates gates, Membership membership, ProfileFence fence) {
        this.writes = writes;
        this.gates = gates;
        this.membership = membership;
        this.fence = fence;
    }

    /** @throws org.openprofiles.model.ServiceException ResourceNotFoundException for an unknown profile */
    public void erase(String domain, String profileId, Collection<String> objectTypeNames, Deadline deadline) {
        Snapshot.ProfileState profile = writes.reader.read(domain, List.of(), null, null, deadline, profileId).profile();
        if (profile == null) throw KeyWriter.notFound(domain, profileId);
        fence.markClosing(domain, profileId, deadline);
        gates.close(domain, profileId, null, deadline);
        // Read again after closing: nothing changes the item or the membership any more.
        profile = writes.reader.read(domain, List.of(), null, null, deadline, profileId).profile();
        if (profile == null) throw KeyWriter.notFound(domain, profileId);
        Membership.Recorded recorded = membership.read(domain, profileId, deadline);
        List<Membership.Member> objects = writes.objectsOf(domain, profileId, recorded, objectTypeNames, deadline);

        // Every value the profile may hold: its item's sources, every value an object was ever recorded to bring.
        Set<KeyValue> keys = keysOnItem(profile);
        keys.addAll(recorded.claims());
        List<TransactWriteItem> deletes = new ArrayList<>();
        for (Membership.Member object : objects) {
            keys.addAll(object.profileKeys());
            deletes.add(deleteObject(object.pk(domain), profileId));
        }
        // Keys first: an object is deleted only once the key values it brought no longer name this profile.
        writes.changeHolders(domain, keys, (key, seen) -> writes.holders.remove(domain, key, seen, profileId), deadline);
        writes.commitInChunks(deletes, deadline);
        membership.forget(domain, profileId, recorded.shards(), deadline);
        DynamoCalls.call(() -> writes.calls.dynamo.deleteItem(r -> r.tableName(writes.calls.tableName)
                .key(key(StoreKeys.profile(domain, profileId))).overrideConfiguration(DynamoCalls.within(deadline))));
    }

    /** The key values the profile item itself is a source of: its standard fields, AddProfileKey's, moved objects'. */
    static Set<KeyValue> keysOnItem(Snapshot.ProfileState profile) {
        Set<KeyValue> keys = new LinkedHashSet<>(StandardKeys.of(profile.fields()));
        keys.addAll(StandardKeys.of(profile.ingestedFields()));
        keys.addAll(profile.manualKeys());
        keys.addAll(profile.retainedKeys());
        return keys;
    }

    /** Deletes an object still on the profile (or already gone: a concurrent DeleteProfileObject). */
    TransactWriteItem deleteObject(String pk, String profileId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(writes.calls.tableName).key(key(pk))
                .conditionExpression("attribute_not_exists(#pk) OR #profileId = :p")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#profileId", "profileId"))
                .expressionAttributeValues(Map.of(":p", s(profileId)))
                .build()).build();
    }
}

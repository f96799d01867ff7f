package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.table.OperationRecord;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.table.DynamoCalls;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Finishes a recorded DeleteProfile, from wherever it stopped: close the profile's shards
 * (nothing is added to it after), read what it holds (its item and the objects its shards list), take
 * its id from every key value (a value left with no holder is deleted), delete its objects, reduce its
 * shards to bare expiring markers and, last, delete its item with the record. Its history records (and those
 * merged into it) go before the markers, which no longer list them. Every step is
 * conditioned or idempotent, so two finishers (the call and a request that met the record) may run at
 * once. Work grows with the profile's objects and keys, never with the domain.
 */
public final class ProfileDeletion {
    /** Rounds of a batch of history deletions DynamoDB leaves unprocessed (then the call fails; a finisher deletes them again). */
    private static final int HISTORY_ROUNDS = 6;
    private final ProfileSources writes;

    public ProfileDeletion(ProfileSources writes) {
        this.writes = writes;
    }

    void finish(String domain, OperationRecord op, Collection<String> objectTypeNames, Deadline deadline) {
        String profileId = op.main();
        writes.shards.close(domain, profileId, op.id(), null, deadline);
        Snapshot seen = writes.reader.read(ReadRequest.profile(domain, profileId).andShards(), deadline);
        Snapshot.ProfileState profile = seen.profile();
        if (profile == null) return; // another finisher got to the end
        List<Shards.Member> objects = writes.objectsOf(domain, profileId, seen.shards(), objectTypeNames, deadline);
        // Every value the profile may hold: its item's sources, every value an object was ever recorded to bring.
        Set<KeyValue> keys = profile.keysOnItem();
        for (Shards.Member m : seen.shards().members().values()) keys.addAll(m.profileKeys());
        List<TransactWriteItem> deletes = new ArrayList<>();
        for (Shards.Member object : objects) {
            keys.addAll(object.profileKeys());
            deletes.add(deleteObject(object.pk(domain), profileId));
        }
        // Keys first: an object is deleted only once the key values it brought no longer name this profile.
        writes.changeHolders(domain, keys, (key, state) -> writes.holders.remove(domain, key, state, profileId), deadline);
        writes.commitInChunks(deletes, deadline);
        // Its history, with the records merged into it: every one is listed on its shards, which nothing adds to any more.
        List<WriteRequest> history = new ArrayList<>();
        for (String id : seen.shards().history().keySet()) {
            history.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                    .key(itemKey(StoreKeys.historyRecord(domain, id))).build()).build());
        }
        writes.calls.batchWrite(history, deadline, HISTORY_ROUNDS, DynamoCalls.UNPROCESSED_BACKOFF);
        writes.shards.leaveMarkers(domain, profileId, op.id(), null, op.atMillis(), deadline);
        writes.calls.delete(StoreKeys.profile(domain, profileId), deadline);
    }

    /** Deletes an object still on the profile (or already gone: a concurrent DeleteProfileObject or finisher). */
    private TransactWriteItem deleteObject(String pk, String profileId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(writes.calls.tableName).key(itemKey(pk))
                .conditionExpression("attribute_not_exists(#pk) OR #profileId = :p")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#profileId", "profileId"))
                .expressionAttributeValues(Map.of(":p", s(profileId)))
                .build()).build();
    }
}

package org.openprofiles.store.kernel;

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
import java.time.Clock;
import java.util.function.Function;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.Retry;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.table.DecideAgainException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What the lifecycle writes share: a profile's objects as the table says (from its shards, checked
 * item by item), the other sources of a key value, and changing the holders of many key values in
 * bounded, retried chunks of transactions.
 */
public final class ProfileSources {
    /** Actions per transaction when erasing or moving many items (DynamoDB allows 100). */
    static final int CHUNK = 100;
    final DynamoCalls calls;
    final KeyValueHolders holders;
    final ConsistentReads reader;
    final ProfileShards shards;
    final Clock clock;

    public ProfileSources(DynamoCalls calls, KeyValueHolders holders, ConsistentReads reader, ProfileShards shards, Clock clock) {
        this.calls = calls;
        this.holders = holders;
        this.reader = reader;
        this.shards = shards;
        this.clock = clock;
    }

    /**
     * A closed profile's objects, as the table says: those its shards record, and those the index
     * lists (objects put before the shards existed: long in the index), each checked on the table,
     * past its expiry or not.
     */
    List<Shards.Member> objectsOf(String domain, String profileId, Shards recorded, Collection<String> typeNames,
                                         Deadline deadline) {
        Map<String, Shards.Member> candidates = new LinkedHashMap<>(recorded.members());
        for (String type : typeNames) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                QueryRequest.Builder query = QueryRequest.builder()
                        .indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                        .keyConditionExpression("#p = :p")
                        .expressionAttributeNames(Map.of("#p", ProfilesTable.INDEX_PARTITION_KEY, "#u", "uniqueKey",
                                "#pk", ProfilesTable.PARTITION_KEY))
                        .expressionAttributeValues(Map.of(":p", s(StoreKeys.profileObjects(domain, profileId, type))))
                        .projectionExpression("#pk, #u")
                        .exclusiveStartKey(from);
                QueryResponse page = calls.query(query, deadline);
                for (Map<String, AttributeValue> item : page.items()) {
                    String uniqueKey = item.get("uniqueKey").s();
                    candidates.putIfAbsent(StoreKeys.member(type, uniqueKey), new Shards.Member(type, uniqueKey, Set.of()));
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
        return onProfile(domain, profileId, candidates.values(), true, deadline);
    }

    /**
     * Which of the candidates are on the profile now, as the table says (strongly consistent): each
     * with the key values it brings now. {@code includeExpired}: an object past its expiry counts for
     * erasure (it still holds the profile's data) but is no source of a key value.
     */
    List<Shards.Member> onProfile(String domain, String profileId, Collection<Shards.Member> candidates,
                                         boolean includeExpired, Deadline deadline) {
        if (candidates.isEmpty()) return List.of();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (Shards.Member m : candidates) keys.add(itemKey(m.pk(domain)));
        long now = clock.instant().getEpochSecond();
        List<Shards.Member> on = new ArrayList<>();
        for (Map<String, AttributeValue> item : calls.batchGet(keys, "#pk, #t, #u, #p, #pks, #e",
                Map.of("#pk", ProfilesTable.PARTITION_KEY, "#t", "objectTypeName", "#u", "uniqueKey", "#p", "profileId",
                        "#pks", "profileKeys", "#e", ProfilesTable.TTL_ATTRIBUTE), deadline)) {
            AttributeValue owner = item.get("profileId");
            if (owner == null || !profileId.equals(owner.s())) continue;
            AttributeValue expires = item.get(ProfilesTable.TTL_ATTRIBUTE);
            if (!includeExpired && expires != null && Long.parseLong(expires.n()) <= now) continue;
            Set<KeyValue> brought = new LinkedHashSet<>();
            AttributeValue pks = item.get("profileKeys");
            if (pks != null && pks.hasSs()) for (String k : pks.ss()) brought.add(StoreKeys.parseKeyValueEntry(k));
            on.add(new Shards.Member(item.get("objectTypeName").s(), item.get("uniqueKey").s(), brought));
        }
        return on;
    }

    /**
     * The values (of {@code values}) that an object on the profile other than {@code except} still
     * brings: the objects the shards record as bringing them, checked against the table.
     */
    Set<KeyValue> otherSources(String domain, String profileId, Shards seen, Set<KeyValue> values, String exceptType,
                               String exceptUniqueKey, Deadline deadline) {
        if (values.isEmpty()) return Set.of();
        List<Shards.Member> candidates = new ArrayList<>();
        for (Shards.Member m : seen.members().values()) {
            boolean same = m.objectTypeName().equals(exceptType) && m.uniqueKey().equals(exceptUniqueKey);
            if (!same && m.profileKeys().stream().anyMatch(values::contains)) candidates.add(m);
        }
        Set<KeyValue> brought = new LinkedHashSet<>();
        for (Shards.Member m : onProfile(domain, profileId, candidates, false, deadline)) brought.addAll(m.profileKeys());
        brought.retainAll(values);
        return brought;
    }

    /** How one key value's holders change, given what a consistent read saw. */
    interface HolderChange {
        List<TransactWriteItem> writes(KeyValue key, Snapshot.KeyState seen);
    }

    /**
     * Applies a holder change to every key value, in chunks of transactions; a chunk that lost a
     * race is read and decided again, a bounded number of times and never past the deadline.
     */
    void changeHolders(String domain, Collection<KeyValue> keys, HolderChange change, Deadline deadline) {
        List<KeyValue> remaining = new ArrayList<>(new LinkedHashSet<>(keys));
        Retry.run(Retry.WRITE_AGAIN, deadline, () -> {
            if (remaining.isEmpty()) return;
            Snapshot seen = reader.read(ReadRequest.keys(domain, remaining), deadline);
            List<KeyValue> lost = new ArrayList<>();
            List<TransactWriteItem> chunk = new ArrayList<>();
            List<KeyValue> chunkKeys = new ArrayList<>();
            for (KeyValue key : remaining) {
                List<TransactWriteItem> writes = change.writes(key, seen.keys().get(key));
                if (writes.isEmpty()) continue;
                if (chunk.size() + writes.size() > CHUNK) {
                    commitOrCollect(chunk, chunkKeys, lost, deadline);
                    chunk = new ArrayList<>();
                    chunkKeys = new ArrayList<>();
                }
                chunk.addAll(writes);
                chunkKeys.add(key);
            }
            commitOrCollect(chunk, chunkKeys, lost, deadline);
            remaining.retainAll(lost);
            if (!remaining.isEmpty()) throw new DecideAgainException("key values changed by concurrent writes; read again", false);
        });
    }

    private void commitOrCollect(List<TransactWriteItem> chunk, List<KeyValue> chunkKeys, List<KeyValue> lost, Deadline deadline) {
        if (chunk.isEmpty()) return;
        try {
            calls.transact(chunk, deadline);
        } catch (DecideAgainException e) {
            lost.addAll(chunkKeys);
        }
    }

    /** Runs independent writes (each item written by one action) in transactions of at most {@link #CHUNK}, retrying a chunk that lost a race. */
    void commitInChunks(List<TransactWriteItem> actions, Deadline deadline) {
        for (int from = 0; from < actions.size(); from += CHUNK) {
            commitRetrying(actions.subList(from, Math.min(actions.size(), from + CHUNK)), reasons -> null, deadline);
        }
    }

    /** One transaction, committed again after a pause when it lost a race ({@link Retry#WRITE_AGAIN}). */
    void commitRetrying(List<TransactWriteItem> actions, Function<List<CancellationReason>, RuntimeException> interpret, Deadline deadline) {
        Retry.run(Retry.WRITE_AGAIN, deadline, () -> calls.transact(actions, deadline, interpret));
    }
}

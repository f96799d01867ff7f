package org.openprofiles.store;

import static org.openprofiles.store.DynamoCalls.key;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.Backoff;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A profile's membership: every object put on the profile and the key values each brought it,
 * read strongly consistently from the base table. DeleteProfile and MergeProfiles find a profile's
 * objects here, and DeleteProfileObject and UpdateProfile the other sources of a key value: the
 * index is eventually consistent, and a decision that writes never rests on it.
 *
 * <p>{@link Gates#SHARDS} items per profile. The transaction that puts an object on a profile adds
 * it to the shard whose gate it checks, so two attaches meet on a membership shard exactly when they
 * already meet on a gate shard (1 time in 256): no new contention. Entries are only ever added; an
 * object that moved away, was deleted or expired leaves a stale entry, so readers check each object
 * they act on against the table ({@link #onProfile}).
 */
public final class Membership {
    static final String OBJECTS = "objects";
    static final String CLAIMS = "claims";
    private static final Backoff DELETE_BACKOFF = new Backoff(Duration.ofMillis(10), Duration.ofMillis(200));
    private static final int MAX_DELETE_ROUNDS = 6;

    private final DynamoCalls calls;
    private final Clock clock;

    Membership(DynamoCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /** An object of a profile (or once of it): its type, unique key and the key values it brought the profile. */
    public record Member(String objectTypeName, String uniqueKey, Set<KeyValue> profileKeys) {
        String pk(String domain) { return StoreKeys.object(domain, objectTypeName, uniqueKey); }
    }

    /** What the shards list: each object once, with every key value it was ever recorded to bring; and which shards exist. */
    public record Recorded(Map<String, Member> objects, List<Integer> shards) {
        /** Every key value any recorded object brought. */
        Set<KeyValue> claims() {
            Set<KeyValue> all = new LinkedHashSet<>();
            for (Member m : objects.values()) all.addAll(m.profileKeys());
            return all;
        }
    }

    /** The action that records objects joining the profile, in the given shard (the one whose gate the transaction checks). */
    TransactWriteItem record(String domain, String profileId, int shard, Collection<Member> joining) {
        List<String> objects = new ArrayList<>();
        List<String> claims = new ArrayList<>();
        for (Member m : joining) {
            objects.add(StoreKeys.member(m.objectTypeName(), m.uniqueKey()));
            for (KeyValue k : m.profileKeys()) claims.add(StoreKeys.claim(m.objectTypeName(), m.uniqueKey(), k));
        }
        Map<String, String> names = new LinkedHashMap<>(Map.of("#o", OBJECTS));
        Map<String, AttributeValue> values = new LinkedHashMap<>(Map.of(":o", AttributeValue.fromSs(objects)));
        String expression = "ADD #o :o";
        if (!claims.isEmpty()) {
            expression += ", #c :c";
            names.put("#c", CLAIMS);
            values.put(":c", AttributeValue.fromSs(claims));
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName)
                .key(key(StoreKeys.membership(domain, profileId, shard)))
                .updateExpression(expression)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).build();
    }

    /** Every shard of the profile, strongly consistent ({@link Gates#SHARDS} keys: 3 BatchGetItem calls, mostly absent items). */
    Recorded read(String domain, String profileId, Deadline deadline) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int shard = 0; shard < Gates.SHARDS; shard++) keys.add(key(StoreKeys.membership(domain, profileId, shard)));
        String prefix = StoreKeys.membership(domain, profileId, 0);
        prefix = prefix.substring(0, prefix.length() - 1);
        Map<String, Member> objects = new LinkedHashMap<>();
        List<Integer> shards = new ArrayList<>();
        for (Map<String, AttributeValue> item : calls.batchGet(keys, deadline)) {
            shards.add(Integer.parseInt(item.get(ProfilesTable.PARTITION_KEY).s().substring(prefix.length())));
            AttributeValue listed = item.get(OBJECTS);
            if (listed != null && listed.hasSs()) {
                for (String entry : listed.ss()) member(objects, entry);
            }
            AttributeValue claims = item.get(CLAIMS);
            if (claims != null && claims.hasSs()) {
                for (String claim : claims.ss()) {
                    int typeEnd = claim.indexOf('#');
                    int keyStart = claim.indexOf('#', typeEnd + 1);
                    member(objects, claim.substring(0, keyStart)).profileKeys().add(StoreKeys.parseObjectKey(claim.substring(keyStart + 1)));
                }
            }
        }
        return new Recorded(objects, shards);
    }

    private static Member member(Map<String, Member> objects, String entry) {
        return objects.computeIfAbsent(entry, e -> {
            int hash = e.indexOf('#');
            return new Member(e.substring(0, hash), e.substring(hash + 1), new LinkedHashSet<>());
        });
    }

    /**
     * Which of the candidates are on the profile now, as the table says (strongly consistent): each
     * with the key values it brings now. {@code includeExpired}: an object past its expiry counts for
     * erasure (it still holds the profile's data) but is no source of a key value.
     */
    List<Member> onProfile(String domain, String profileId, Collection<Member> candidates, boolean includeExpired, Deadline deadline) {
        if (candidates.isEmpty()) return List.of();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (Member m : candidates) keys.add(key(m.pk(domain)));
        long now = clock.instant().getEpochSecond();
        List<Member> on = new ArrayList<>();
        for (Map<String, AttributeValue> item : calls.batchGet(keys, "#pk, #t, #u, #p, #pks, #e",
                Map.of("#pk", ProfilesTable.PARTITION_KEY, "#t", "objectTypeName", "#u", "uniqueKey", "#p", "profileId",
                        "#pks", "profileKeys", "#e", ProfilesTable.TTL_ATTRIBUTE), deadline)) {
            AttributeValue owner = item.get("profileId");
            if (owner == null || !profileId.equals(owner.s())) continue;
            AttributeValue expires = item.get(ProfilesTable.TTL_ATTRIBUTE);
            if (!includeExpired && expires != null && Long.parseLong(expires.n()) <= now) continue;
            Set<KeyValue> brought = new LinkedHashSet<>();
            AttributeValue pks = item.get("profileKeys");
            if (pks != null && pks.hasSs()) for (String k : pks.ss()) brought.add(StoreKeys.parseObjectKey(k));
            on.add(new Member(item.get("objectTypeName").s(), item.get("uniqueKey").s(), brought));
        }
        return on;
    }

    /**
     * The values (of {@code values}) that an object on the profile other than {@code except} still
     * brings: the objects recorded as bringing them, checked against the table.
     */
    Set<KeyValue> stillBrought(String domain, String profileId, Set<KeyValue> values, Member except, Deadline deadline) {
        if (values.isEmpty()) return Set.of();
        List<Member> candidates = new ArrayList<>();
        for (Member m : read(domain, profileId, deadline).objects().values()) {
            boolean same = except != null && m.objectTypeName().equals(except.objectTypeName()) && m.uniqueKey().equals(except.uniqueKey());
            if (!same && m.profileKeys().stream().anyMatch(values::contains)) candidates.add(m);
        }
        Set<KeyValue> brought = new LinkedHashSet<>();
        for (Member m : onProfile(domain, profileId, candidates, false, deadline)) brought.addAll(m.profileKeys());
        brought.retainAll(values);
        return brought;
    }

    /** Deletes the shards that exist (an erased or merged-away profile's last trace but its gates). */
    void forget(String domain, String profileId, List<Integer> shards, Deadline deadline) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (int shard : shards) {
            deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                    .key(key(StoreKeys.membership(domain, profileId, shard))).build()).build());
        }
        calls.batchWrite(deletes, deadline, MAX_DELETE_ROUNDS, DELETE_BACKOFF);
    }
}

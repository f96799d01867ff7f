package org.openprofiles.store;

import static org.openprofiles.store.DynamoCalls.key;
import static org.openprofiles.store.DynamoCalls.n;
import static org.openprofiles.store.DynamoCalls.s;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.openprofiles.model.Backoff;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A profile's gates: {@link #SHARDS} items per profile that do not exist while it is open. Every
 * write that adds to an existing profile (an attach, a moved object's old profile, AddProfileKey,
 * UpdateProfile, the main profile of a merge) carries a ConditionCheck {@code attribute_not_exists}
 * on one shard chosen at random; DeleteProfile and MergeProfiles close every shard before they
 * read what to erase. Closing shard k waits out (the write of k is refused while a transaction
 * holds it) the one in-flight write holding k, and no write can pass k after: once all are closed,
 * nothing lands on the profile. Two attaches on one profile meet on a shard only 1 time in SHARDS,
 * so attaches keep running in parallel (docs/performance.md measures it).
 *
 * <p>A removal that must not miss a source being added (DeleteProfileObject, UpdateProfile) fences
 * the shards for a moment instead ({@link ProfileFence}): a fenced shard carries its expiry, and an
 * attach passes it once that is past.
 *
 * <p>A closed gate holds nothing but the profile id, the id a merged profile went to, and an
 * expiry (TTL, {@link #CLOSED_FOR}): by then every write that raced the erasure has long ended.
 */
public final class Gates {
    /** Shards per profile: chosen with the contention benchmark (docs/performance.md). */
    public static final int SHARDS = 256;
    static final Duration CLOSED_FOR = Duration.ofDays(1);
    static final String MERGED_INTO = "mergedInto";
    /** On a fenced or reopened (not closed) shard: until when it is fenced, epoch milliseconds (0 once reopened). */
    static final String FENCED_UNTIL = "fencedUntil";
    /** On a fenced or reopened shard: key values recently removed from the profile → when (epoch ms). */
    static final String REMOVED = "removed";
    /** How far apart the clocks of two functions may be: conditions on times allow this much. */
    static final Duration CLOCK_MARGIN = Duration.ofMillis(500);
    /** Rounds of BatchWriteItem for gates that come back unprocessed (held by an in-flight write). */
    static final int MAX_CLOSE_ROUNDS = 40;
    static final Backoff CLOSE_BACKOFF = new Backoff(Duration.ofMillis(5), Duration.ofMillis(100));

    private final DynamoCalls calls;
    private final Clock clock;

    Gates(DynamoCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /** The check an adding write carries: one random shard of the profile's gate is still open. */
    TransactWriteItem openCheck(String domain, String profileId) {
        return openCheck(domain, profileId, randomShard());
    }

    /** The same check on a given shard (a transaction that also records a membership uses the same shard for both). */
    TransactWriteItem openCheck(String domain, String profileId, int shard) {
        return openCheck(domain, profileId, shard, Set.of(), 0);
    }

    /**
     * The same check, for a put that relies on key values the profile held when it read them at
     * {@code readAtMillis} and that it does not write: none of them may have been removed from the
     * profile since (a removal records its values on the gates when it reopens them, {@link #reopen}).
     * Clocks may differ by up to {@link #CLOCK_MARGIN}: a removal that recent counts as after the read.
     */
    TransactWriteItem openCheck(String domain, String profileId, int shard, Set<KeyValue> relied, long readAtMillis) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#fu", FENCED_UNTIL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":now", n(clock.millis())));
        StringBuilder condition = new StringBuilder("attribute_not_exists(#pk) OR (#fu < :now");
        if (!relied.isEmpty()) {
            names.put("#rm", REMOVED);
            values.put(":since", n(readAtMillis - CLOCK_MARGIN.toMillis()));
            int i = 0;
            for (KeyValue value : relied) {
                names.put("#r" + i, StoreKeys.objectKey(value));
                condition.append(" AND (attribute_not_exists(#rm.#r").append(i).append(") OR #rm.#r").append(i).append(" < :since)");
                i++;
            }
        }
        condition.append(')');
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(calls.tableName)
                .key(key(StoreKeys.gate(domain, profileId, shard)))
                .conditionExpression(condition.toString())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }

    static int randomShard() {
        return ThreadLocalRandom.current().nextInt(SHARDS);
    }

    /**
     * Closes every shard (idempotent: closing again rewrites the same items). Shards held by an
     * in-flight write come back unprocessed and are put again after a pause, a bounded number of times.
     *
     * @param mergedInto the main profile for a merge, or null for a deletion
     */
    void close(String domain, String profileId, String mergedInto, Deadline deadline) {
        putAll(domain, profileId, mergedInto == null ? Map.of() : Map.of(MERGED_INTO, s(mergedInto)), deadline);
    }

    /**
     * Fences every shard until {@code untilMillis} (epoch ms): like closing, but for a moment, while a
     * removal decides ({@link ProfileFence}); writes refused meanwhile try again. {@link #reopen} ends it
     * sooner; a fence never reopened lapses by itself. {@code removed}: the recent removals, kept.
     */
    void fence(String domain, String profileId, long untilMillis, Map<String, Long> removed, Deadline deadline) {
        writeAll(domain, profileId, untilMillis, removed, deadline);
    }

    /**
     * Ends a fence, recording on every shard the values removed recently ({@code keyName#value} → epoch
     * ms of the removal), so that a put that read one of them as held before the removal, and commits
     * after the reopening, is refused and decides again. Only the fence's holder calls it, while no
     * close can have begun.
     */
    void reopen(String domain, String profileId, Map<String, Long> removed, Deadline deadline) {
        writeAll(domain, profileId, 0, removed, deadline);
    }

    /** The values recently removed from the profile, as its gates recorded them at the last reopening (empty if never). */
    Map<String, Long> recentlyRemoved(String domain, String profileId, Deadline deadline) {
        Map<String, AttributeValue> gate = firstGate(domain, profileId, deadline);
        Map<String, Long> removed = new HashMap<>();
        AttributeValue recorded = gate.get(REMOVED);
        if (recorded != null && recorded.hasM()) recorded.m().forEach((value, at) -> removed.put(value, Long.parseLong(at.n())));
        return removed;
    }

    private void writeAll(String domain, String profileId, long fencedUntil, Map<String, Long> removed, Deadline deadline) {
        Map<String, AttributeValue> state = new HashMap<>();
        state.put(FENCED_UNTIL, n(fencedUntil));
        Map<String, AttributeValue> removedValues = new HashMap<>();
        removed.forEach((value, at) -> removedValues.put(value, n(at)));
        if (!removedValues.isEmpty()) state.put(REMOVED, AttributeValue.fromM(removedValues));
        putAll(domain, profileId, state, deadline);
    }

    /**
     * Puts every shard with the profile id, an expiry (TTL) and {@code state}. Shards held by an
     * in-flight write come back unprocessed and are put again after a pause, a bounded number of times.
     */
    private void putAll(String domain, String profileId, Map<String, AttributeValue> state, Deadline deadline) {
        long expiresAt = clock.instant().plus(CLOSED_FOR).getEpochSecond();
        List<WriteRequest> pending = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            Map<String, AttributeValue> item = new HashMap<>(state);
            item.put(ProfilesTable.PARTITION_KEY, s(StoreKeys.gate(domain, profileId, shard)));
            item.put("profileId", s(profileId));
            item.put(ProfilesTable.TTL_ATTRIBUTE, n(expiresAt));
            pending.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        calls.batchWrite(pending, deadline, MAX_CLOSE_ROUNDS, CLOSE_BACKOFF);
    }

    /**
     * What a closed gate says: {@code Closed(null)} for a deleted profile, the main profile for a
     * merged one; null while open or only fenced (a write refused by a fence tries again).
     */
    Closed state(String domain, String profileId, Deadline deadline) {
        Map<String, AttributeValue> gate = firstGate(domain, profileId, deadline);
        if (gate.isEmpty() || gate.containsKey(FENCED_UNTIL)) return null;
        AttributeValue main = gate.get(MERGED_INTO);
        return new Closed(main == null ? null : main.s());
    }

    /** Shard 0 (every close and fence writes all shards alike), strongly consistent; empty when absent. */
    private Map<String, AttributeValue> firstGate(String domain, String profileId, Deadline deadline) {
        List<Map<String, AttributeValue>> found = calls.batchGet(List.of(key(StoreKeys.gate(domain, profileId, 0))), deadline);
        return found.isEmpty() ? Map.of() : found.get(0);
    }

    /**
     * Why a write's gate check failed: the profile is closed (404), or fenced for a moment (the
     * write did not land and is decided again).
     */
    RuntimeException refusal(String domain, String profileId, Deadline deadline) {
        return state(domain, profileId, deadline) != null ? KeyWriter.notFound(domain, profileId)
                : new WriteConflictException("the profile is fenced by a removal; try again", false);
    }

    /** A closed profile: deleted ({@code mergedInto} null) or merged into {@code mergedInto}. */
    public record Closed(String mergedInto) {}
}

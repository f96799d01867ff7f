package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.openprofiles.model.Backoff;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.Retry;
import org.openprofiles.store.table.KeyItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.table.DecideAgainException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A profile's {@link #COUNT} shards: the one item kind every write that changes a profile's sources
 * meets (docs/data-model.md, "Why it is correct under concurrency").
 *
 * <ul>
 *   <li><b>Adding</b> (a put, AddProfileKey, UpdateProfile, a merge moving objects in) updates ONE
 *     shard chosen at random: {@code ADD n 1}, plus the objects it puts on the profile and the key
 *     values each brings ({@code objects}, {@code claims}: the profile's membership, strongly
 *     consistent), refused once the shard is closed. Two adds on one profile meet only when they pick
 *     the same shard while both are in flight, and the one cancelled moves to another shard at once
 *     ({@link #transact}), so attaches run in parallel.</li>
 *   <li><b>Removing a source</b> (DeleteProfileObject, UpdateProfile of a key field) reads every shard
 *     and commits with every shard {@code n} as read, bumped: a source added after its read fails it
 *     (it reads and decides again), and it fails every add that read a value it removed before the
 *     removal and commits after (the removal records, per value, the incarnation and revision it
 *     removed the profile from; an add that relies on a value checks that none is recorded at or
 *     after its read).</li>
 *   <li><b>Closing</b> (DeleteProfile, MergeProfiles) sets {@code closedBy} on every shard: from then on
 *     nothing is added to the profile, and its membership is complete.</li>
 * </ul>
 */
public final class ProfileShards {
    /**
     * Shards per profile: as many as a removal's one transaction can hold besides its own items (at
     * most 21: DeleteProfileObject's object and the up to 19 key values it brought, UpdateProfile's
     * profile and the up to 9 standard values it drops and 9 it gains; DynamoLimitsTest), within
     * DynamoDB's 100 actions. Two attaches meet 1 time in 79 (docs/performance.md, contention).
     */
    public static final int COUNT = 79;
    /** How long a closed profile's bare markers stay (TTL): far beyond any request that raced the close. */
    static final Duration CLOSED_FOR = Duration.ofDays(1);
    /**
     * How long a removal stays recorded: far longer than a put can take from its read to its commit
     * (the function timeout); clocks only decide when a record is dropped, never what a write decides.
     */
    static final Duration REMOVALS_KEPT = Duration.ofSeconds(60);
    static final String N = "n";
    static final String CLOSED_BY = "closedBy";
    static final String MERGED_INTO = "mergedInto";
    static final String CLOSED_AT = "closedAt";
    /** Per removed value ({@code keyName#value}): the incarnation ({@link KeyItem#born}) it was removed from. */
    static final String REMOVED_BORN = "removedBorn";
    /** Per removed value: the revision the removal read (adds that read it at or before then are refused). */
    static final String REMOVED_REV = "removedRev";
    /** Per removed value: when (epoch ms), to drop old records. */
    static final String REMOVED_AT = "removedAt";
    static final String OBJECTS = "objects";
    static final String CLAIMS = "claims";
    /** Shards closed in one transaction: few enough that an attach in flight rarely cancels it. */
    private static final int CLOSE_CHUNK = 16;
    private static final Backoff CLOSE_BACKOFF = new Backoff(Duration.ofMillis(5), Duration.ofMillis(100));
    /** A chunk of closes that meets adds in flight is sent again: more often than a write that reads first, with shorter pauses. */
    private static final Retry.Policy CLOSE = new Retry.Policy(40, CLOSE_BACKOFF, DynamoCalls.MIN_CALL_TIME);
    private static final int MAX_MARKER_ROUNDS = 6;

    private final DynamoCalls calls;
    private final Clock clock;

    public ProfileShards(DynamoCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /**
     * The update of one shard, chosen at random, by a write that adds to a profile: refused once the
     * profile is closed, or when a value the write relies on (one it found naming the profile and does
     * not write, with the incarnation and revision it read) was removed from the profile since.
     * Committed with {@link #transact}.
     */
    public TransactWriteItem add(String domain, String profileId, Collection<Shards.Member> joining, Map<KeyValue, Snapshot.KeyState> relied) {
        return add(domain, profileId, ThreadLocalRandom.current().nextInt(COUNT), joining, relied);
    }

    TransactWriteItem add(String domain, String profileId, int shard, Collection<Shards.Member> joining, Map<KeyValue, Snapshot.KeyState> relied) {
        Map<String, String> names = new HashMap<>(Map.of("#n", N, "#c", CLOSED_BY));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", n(1)));
        StringBuilder expression = new StringBuilder("ADD #n :one");
        List<String> objects = new ArrayList<>();
        List<String> claims = new ArrayList<>();
        for (Shards.Member m : joining) {
            objects.add(StoreKeys.member(m.objectTypeName(), m.uniqueKey()));
            for (KeyValue k : m.profileKeys()) claims.add(StoreKeys.claim(m.objectTypeName(), m.uniqueKey(), k));
        }
        if (!objects.isEmpty()) {
            expression.append(", #o :o");
            names.put("#o", OBJECTS);
            values.put(":o", AttributeValue.fromSs(objects));
        }
        if (!claims.isEmpty()) {
            expression.append(", #cl :cl");
            names.put("#cl", CLAIMS);
            values.put(":cl", AttributeValue.fromSs(claims));
        }
        StringBuilder condition = new StringBuilder("attribute_not_exists(#c)");
        if (!relied.isEmpty()) {
            names.put("#rb", REMOVED_BORN);
            names.put("#rr", REMOVED_REV);
            int i = 0;
            for (Map.Entry<KeyValue, Snapshot.KeyState> value : relied.entrySet()) {
                names.put("#v" + i, StoreKeys.keyValueEntry(value.getKey()));
                values.put(":b" + i, s(value.getValue().born()));
                values.put(":r" + i, n(value.getValue().rev()));
                condition.append(" AND (attribute_not_exists(#rb.#v").append(i).append(") OR #rb.#v").append(i).append(" <> :b").append(i)
                        .append(" OR #rr.#v").append(i).append(" < :r").append(i).append(')');
                i++;
            }
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName)
                .key(itemKey(StoreKeys.shard(domain, profileId, shard)))
                .updateExpression(expression.toString())
                .conditionExpression(condition.toString())
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).build();
    }

    /**
     * Commits a write whose actions at {@code addsAt} are shard adds ({@link #add}). Two adds to a
     * profile meet only when both picked the same shard while in flight; when that is all that
     * cancelled the write (every other action's reason is None), the held adds move to other shards
     * of their profile and the write is sent again at once ({@link Retry#OTHER_SHARD}), without a new
     * read: nothing it rests on has changed (a changed item fails its own condition instead), and
     * another shard is most likely free. {@code actions} is updated in place, so {@code interpret}
     * finds the shard each add was last sent to ({@link #shardOf}). The last send fails as
     * {@link DynamoCalls#transact} does, for the caller's retry.
     */
    public void transact(List<TransactWriteItem> actions, Set<Integer> addsAt, Deadline deadline,
                         Function<List<CancellationReason>, RuntimeException> interpret) {
        Retry.run(Retry.OTHER_SHARD, deadline, send -> {
            boolean last = send == Retry.OTHER_SHARD.attempts();
            List<Integer> held = new ArrayList<>();
            calls.transact(actions, deadline, reasons -> !last && onlyShardsHeld(reasons, addsAt, held) ? shardsHeld(actions, held)
                    : interpret.apply(reasons));
            return null;
        });
    }

    /** Moves the held adds to other shards, and asks for the write to be sent again. */
    private static DecideAgainException shardsHeld(List<TransactWriteItem> actions, List<Integer> held) {
        for (int at : held) actions.set(at, elsewhere(actions.get(at)));
        return new DecideAgainException(DecideAgainException.Reason.SHARDS_HELD, "shards held by other transactions", false);
    }

    /** Whether the only actions that cancelled a write are shard adds held by other transactions (collected in {@code held}). */
    private static boolean onlyShardsHeld(List<CancellationReason> reasons, Set<Integer> addsAt, List<Integer> held) {
        for (int i = 0; i < reasons.size(); i++) {
            String code = reasons.get(i).code();
            if (code == null || "None".equals(code)) continue;
            if (!"TransactionConflict".equals(code) || !addsAt.contains(i)) return false;
            held.add(i);
        }
        return !held.isEmpty();
    }

    /** The same add, on another shard of its profile. */
    private static TransactWriteItem elsewhere(TransactWriteItem add) {
        String pk = add.update().key().get(ProfilesTable.PARTITION_KEY).s();
        int other = (StoreKeys.shardIndex(pk) + 1 + ThreadLocalRandom.current().nextInt(COUNT - 1)) % COUNT;
        return TransactWriteItem.builder().update(add.update().toBuilder().key(itemKey(StoreKeys.otherShard(pk, other))).build()).build();
    }

    /** The shard a shard add ({@link #add}) updates. */
    public static int shardOf(TransactWriteItem add) {
        return StoreKeys.shardIndex(add.update().key().get(ProfilesTable.PARTITION_KEY).s());
    }

    /** The keys of every shard, to fold into a BatchGetItem that reads other items too. */
    public static List<Map<String, AttributeValue>> itemKeys(String domain, String profileId) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int shard = 0; shard < COUNT; shard++) keys.add(itemKey(StoreKeys.shard(domain, profileId, shard)));
        return keys;
    }

    /** Every shard, strongly consistent (one BatchGetItem). */
    Shards read(String domain, String profileId, Deadline deadline) {
        return parse(domain, profileId, calls.batchGet(itemKeys(domain, profileId), deadline));
    }

    /** The shards among items read (absent shards: {@code exists} false). */
    public static Shards parse(String domain, String profileId, List<Map<String, AttributeValue>> items) {
        String prefix = StoreKeys.shardPrefix(domain, profileId);
        Shards.Shard[] shards = new Shards.Shard[COUNT];
        for (Map<String, AttributeValue> item : items) {
            String pk = item.get(ProfilesTable.PARTITION_KEY).s();
            if (!pk.startsWith(prefix)) continue;
            int index = Integer.parseInt(pk.substring(prefix.length()));
            shards[index] = shard(index, item);
        }
        List<Shards.Shard> all = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            all.add(shards[i] != null ? shards[i] : new Shards.Shard(i, false, 0, null, null, 0, Map.of(), Map.of(), Map.of()));
        }
        return new Shards(all);
    }

    private static Shards.Shard shard(int index, Map<String, AttributeValue> item) {
        Map<String, Shards.Member> objects = new LinkedHashMap<>();
        AttributeValue listed = item.get(OBJECTS);
        if (listed != null && listed.hasSs()) for (String entry : listed.ss()) member(objects, entry);
        AttributeValue claims = item.get(CLAIMS);
        if (claims != null && claims.hasSs()) {
            for (String claim : claims.ss()) {
                int typeEnd = claim.indexOf('#');
                int keyStart = claim.indexOf('#', typeEnd + 1);
                member(objects, claim.substring(0, keyStart)).profileKeys().add(StoreKeys.parseKeyValueEntry(claim.substring(keyStart + 1)));
            }
        }
        Map<String, Shards.Removed> removed = new LinkedHashMap<>();
        AttributeValue born = item.get(REMOVED_BORN);
        AttributeValue rev = item.get(REMOVED_REV);
        AttributeValue at = item.get(REMOVED_AT);
        if (born != null && born.hasM() && rev != null && at != null) {
            born.m().forEach((value, b) -> {
                AttributeValue r = rev.m().get(value);
                AttributeValue a = at.m().get(value);
                if (r != null && a != null) removed.put(value, new Shards.Removed(b.s(), Long.parseLong(r.n()), Long.parseLong(a.n())));
            });
        }
        return new Shards.Shard(index, true, number(item.get(N)), string(item.get(CLOSED_BY)), string(item.get(MERGED_INTO)),
                number(item.get(CLOSED_AT)), removed, objects, History.listed(item));
    }

    private static Shards.Member member(Map<String, Shards.Member> objects, String entry) {
        return objects.computeIfAbsent(entry, e -> {
            int hash = e.indexOf('#');
            return new Shards.Member(e.substring(0, hash), e.substring(hash + 1), new LinkedHashSet<>());
        });
    }

    private static long number(AttributeValue value) {
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static String string(AttributeValue value) {
        return value == null ? null : value.s();
    }

    /**
     * A removal's writes: every shard bumped, each conditioned on the {@code n} read (absent: still
     * absent) and open, so that the removal lands only if no source was added since its read; each
     * records {@code removing} (value → its state as read, which named the profile), keeping the
     * records of the last {@link #REMOVALS_KEPT}.
     */
    List<TransactWriteItem> removal(String domain, String profileId, Shards seen, Map<KeyValue, Snapshot.KeyState> removing) {
        long now = clock.millis();
        List<TransactWriteItem> writes = new ArrayList<>();
        for (Shards.Shard shard : seen.all()) {
            Map<String, Shards.Removed> kept = new LinkedHashMap<>();
            shard.removed().forEach((value, r) -> {
                if (r.atMillis() >= now - REMOVALS_KEPT.toMillis()) kept.put(value, r);
            });
            removing.forEach((value, state) -> kept.put(StoreKeys.keyValueEntry(value), new Shards.Removed(state.born(), state.rev(), now)));
            Map<String, AttributeValue> born = new HashMap<>();
            Map<String, AttributeValue> rev = new HashMap<>();
            Map<String, AttributeValue> at = new HashMap<>();
            kept.forEach((value, r) -> {
                born.put(value, s(r.born()));
                rev.put(value, n(r.rev()));
                at.put(value, n(r.atMillis()));
            });
            Map<String, String> names = new HashMap<>(Map.of("#n", N, "#rb", REMOVED_BORN, "#rr", REMOVED_REV, "#ra", REMOVED_AT));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":next", n(shard.n() + 1),
                    ":rb", AttributeValue.fromM(born), ":rr", AttributeValue.fromM(rev), ":ra", AttributeValue.fromM(at)));
            String condition;
            if (shard.exists()) {
                condition = "#n = :n AND attribute_not_exists(#c)";
                names.put("#c", CLOSED_BY);
                values.put(":n", n(shard.n()));
            } else {
                condition = "attribute_not_exists(#pk)";
                names.put("#pk", ProfilesTable.PARTITION_KEY);
            }
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName)
                    .key(itemKey(StoreKeys.shard(domain, profileId, shard.index())))
                    .updateExpression("SET #n = :next, #rb = :rb, #rr = :rr, #ra = :ra")
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .build()).build());
        }
        return writes;
    }

    /**
     * Closes every shard for operation {@code opId} (idempotent: a shard it closed already stays so).
     * A chunk that meets an add in flight is committed again after a pause, a bounded number of times;
     * a shard closed by another operation fails the close ({@link DecideAgainException}: the caller
     * finishes that operation first).
     */
    void close(String domain, String profileId, String opId, String mergedInto, Deadline deadline) {
        long now = clock.millis();
        for (int from = 0; from < COUNT; from += CLOSE_CHUNK) {
            List<TransactWriteItem> chunk = new ArrayList<>();
            for (int shard = from; shard < Math.min(COUNT, from + CLOSE_CHUNK); shard++) {
                Map<String, String> names = new HashMap<>(Map.of("#n", N, "#c", CLOSED_BY, "#at", CLOSED_AT, "#p", "profileId"));
                Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", n(1), ":op", s(opId), ":at", n(now),
                        ":p", s(profileId)));
                String expression = "ADD #n :one SET #c = :op, #at = :at, #p = :p";
                if (mergedInto != null) {
                    expression += ", #m = :m";
                    names.put("#m", MERGED_INTO);
                    values.put(":m", s(mergedInto));
                }
                chunk.add(TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName)
                        .key(itemKey(StoreKeys.shard(domain, profileId, shard)))
                        .updateExpression(expression)
                        .conditionExpression("attribute_not_exists(#c) OR #c = :op")
                        .expressionAttributeNames(names).expressionAttributeValues(values)
                        .build()).build());
            }
            Retry.run(CLOSE, deadline, () -> calls.transact(chunk, deadline, reasons -> {
                for (int i = 0; i < reasons.size(); i++) {
                    if (DynamoCalls.conditionFailed(reasons, i)) return new ClosedByAnother();
                }
                return null;
            }));
        }
    }

    /** A shard is closed by another operation than the one closing it now. */
    static final class ClosedByAnother extends RuntimeException {
        ClosedByAnother() {
            super("closed by another operation", null, false, false);
        }
    }

    /**
     * Once a closed profile's data is erased or moved: every shard becomes a bare marker that holds
     * only the profile id, the operation, where it was merged into, and an expiry (TTL). Nothing but
     * this operation writes a closed shard, so a blind put is safe.
     */
    void leaveMarkers(String domain, String profileId, String opId, String mergedInto, long closedAtMillis, Deadline deadline) {
        long expiresAt = clock.instant().plus(CLOSED_FOR).getEpochSecond();
        List<WriteRequest> puts = new ArrayList<>();
        for (int shard = 0; shard < COUNT; shard++) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(ProfilesTable.PARTITION_KEY, s(StoreKeys.shard(domain, profileId, shard)));
            item.put("profileId", s(profileId));
            item.put(CLOSED_BY, s(opId));
            item.put(CLOSED_AT, n(closedAtMillis));
            item.put(N, n(0));
            if (mergedInto != null) item.put(MERGED_INTO, s(mergedInto));
            item.put(ProfilesTable.TTL_ATTRIBUTE, n(expiresAt));
            puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        calls.batchWrite(puts, deadline, MAX_MARKER_ROUNDS, CLOSE_BACKOFF);
    }

    /**
     * Why an add to a shard of a profile the caller names (AddProfileKey, UpdateProfile) was refused:
     * the profile is closed (404), or a value it relied on was removed meanwhile (it reads again).
     */
    public RuntimeException refusal(String domain, String profileId, TransactWriteItem add, Deadline deadline) {
        return one(domain, profileId, shardOf(add), deadline).closedBy() != null ? ServiceException.profileNotFound(domain, profileId)
                : new DecideAgainException("a value this write relied on was removed from the profile; read again", false);
    }

    /** What a closed shard says: the main profile of a merge (null for a deletion), and when it was closed. */
    public record Closed(String mergedInto, long closedAtMillis) {}

    /** Whether a shard is closed (null: open; a put refused by it decides again). */
    public Closed closed(String domain, String profileId, int shard, Deadline deadline) {
        Shards.Shard read = one(domain, profileId, shard, deadline);
        return read.closedBy() == null ? null : new Closed(read.mergedInto(), read.closedAtMillis());
    }

    /** One shard, strongly consistent: why an add to it was refused. */
    Shards.Shard one(String domain, String profileId, int shard, Deadline deadline) {
        List<Map<String, AttributeValue>> found = calls.batchGet(List.of(itemKey(StoreKeys.shard(domain, profileId, shard))), deadline);
        return found.isEmpty() ? new Shards.Shard(shard, false, 0, null, null, 0, Map.of(), Map.of(), Map.of()) : shard(shard, found.get(0));
    }
}

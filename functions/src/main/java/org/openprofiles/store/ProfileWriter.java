package org.openprofiles.store;

import static org.openprofiles.store.DynamoCalls.key;
import static org.openprofiles.store.DynamoCalls.n;
import static org.openprofiles.store.DynamoCalls.s;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.resolution.StandardKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * CreateProfile's and UpdateProfile's writes, and DeleteProfileObject's. Fields they set are manual
 * ({@code manual} on the item), which ingestion never writes (spec 3.4). Standard key values follow
 * the fields: a value the profile gains joins the value's holders; a value whose last source goes
 * (spec 11: the field, AddProfileKey, an object, a moved object) stops naming the profile.
 */
public final class ProfileWriter {
    private final LifecycleWrites writes;
    private final Gates gates;
    private final ProfileFence fence;
    private final Clock clock;

    ProfileWriter(LifecycleWrites writes, Gates gates, ProfileFence fence, Clock clock) {
        this.writes = writes;
        this.gates = gates;
        this.fence = fence;
        this.clock = clock;
    }

    /** One transaction: the new profile and its standard keys (a full or spilled value: read first, then commit). */
    public void create(String domain, String profileId, Map<String, String> fields, Deadline deadline) {
        long now = clock.instant().getEpochSecond();
        ProfileItem item = new ProfileItem(StoreKeys.profile(domain, profileId), profileId, now, now, Map.of(), Map.copyOf(fields),
                Set.of(), Set.of(), 1);
        TransactWriteItem put = TransactWriteItem.builder().put(Put.builder().tableName(writes.calls.tableName)
                .item(ProfileItem.SCHEMA.itemToMap(item, true))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY)).build()).build();
        List<KeyValue> keys = StandardKeys.of(fields);
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(put);
        for (KeyValue key : keys) actions.add(writes.holders.addWhileItFits(domain, key, profileId));
        try {
            writes.calls.transact(actions, deadline);
        } catch (WriteConflictException e) {
            Snapshot seen = writes.reader.read(domain, keys, null, null, deadline);
            if (writes.holders.spillFirst(writes.calls, domain, keys, seen, profileId, deadline)) throw e;
            List<TransactWriteItem> again = new ArrayList<>();
            again.add(put);
            for (KeyValue key : keys) again.addAll(writes.holders.add(domain, key, seen.keys().get(key), profileId));
            writes.calls.transact(again, deadline);
        }
    }

    /**
     * @param set    paths to set (manual values)
     * @param remove paths to remove (an empty string in the request)
     * @throws ServiceException ResourceNotFoundException for an unknown (or closed) profile
     */
    public void update(String domain, String profileId, Map<String, String> set, Set<String> remove, Deadline deadline) {
        update(domain, profileId, set, remove, null, () -> { }, deadline);
    }

    /**
     * The same, reading {@code config} (the domain's configuration item; null: none) in its first
     * read and running {@code afterRead} right after it, before anything is decided: the caller
     * confirms there that the configuration it passed is current (or throws).
     */
    public void update(String domain, String profileId, Map<String, String> set, Set<String> remove,
                       ConfigRead config, Runnable afterRead, Deadline deadline) {
        Snapshot first = writes.reader.read(domain, StandardKeys.of(set), null, null, config, deadline, profileId);
        afterRead.run();
        // As DeleteProfileObject: fenced, and decided again, only when a value would lose its last source.
        if (!updateIfNothingLost(domain, profileId, set, remove, first, null, deadline)) {
            fence.hold(domain, profileId, deadline, removing -> updateIfNothingLost(domain, profileId, set, remove,
                    writes.reader.read(domain, StandardKeys.of(set), null, null, deadline, profileId), removing, deadline));
        }
    }

    /** Updates and returns true, unless values would lose their last source and it is not fenced (as {@link #deleteObjectIfNothingLost}). */
    private boolean updateIfNothingLost(String domain, String profileId, Map<String, String> set, Set<String> remove, Snapshot first,
                                        Set<KeyValue> removing, Deadline deadline) {
        boolean fenced = removing != null;
        Snapshot.ProfileState profile = first.profile();
        if (profile == null) throw KeyWriter.notFound(domain, profileId);
        Map<String, String> manual = new LinkedHashMap<>(profile.manualFields());
        Map<String, String> effective = new LinkedHashMap<>(profile.fields());
        manual.putAll(set);
        effective.putAll(set);
        List<String> ingestedToRemove = new ArrayList<>();
        for (String path : remove) {
            manual.remove(path);
            effective.remove(path);
            if (profile.ingestedFields().containsKey(path)) ingestedToRemove.add(path);
        }
        Set<KeyValue> before = new LinkedHashSet<>(StandardKeys.of(profile.fields()));
        Set<KeyValue> after = new LinkedHashSet<>(StandardKeys.of(effective));
        Set<KeyValue> gained = new LinkedHashSet<>(after);
        gained.removeAll(before);
        Set<KeyValue> lost = new LinkedHashSet<>(before);
        lost.removeAll(after);
        lost.removeAll(profile.manualKeys());
        lost.removeAll(profile.retainedKeys());
        lost.removeAll(writes.membership.stillBrought(domain, profileId, lost, null, deadline));
        if (!lost.isEmpty() && !fenced) return false;
        if (fenced) removing.addAll(lost);

        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(profileUpdate(domain, profileId, manual, ingestedToRemove, profile.version()));
        // Fenced, the profile's gates are ours and no close can begin: no gate check.
        if (!fenced) actions.add(gates.openCheck(domain, profileId));
        for (KeyValue key : gained) {
            Snapshot.KeyState state = first.keys().get(key);
            if (first.keys().containsKey(key) || !writes.holders.needsSpill(state, profileId)) {
                actions.addAll(state == null && !first.keys().containsKey(key)
                        ? List.of(writes.holders.addWhileItFits(domain, key, profileId))
                        : writes.holders.add(domain, key, state, profileId));
            }
        }
        if (!lost.isEmpty()) {
            Snapshot lostSeen = writes.reader.read(domain, lost, null, null, deadline);
            for (KeyValue key : lost) actions.addAll(writes.holders.remove(domain, key, lostSeen.keys().get(key), profileId));
        }
        writes.calls.transact(actions, deadline,
                reasons -> !fenced && KeyWriter.failed(reasons, 1) ? gates.refusal(domain, profileId, deadline) : null);
        return true;
    }

    private TransactWriteItem profileUpdate(String domain, String profileId, Map<String, String> manual, List<String> ingestedToRemove,
                                            long seenVersion) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#m", ProfileItem.MANUAL,
                "#v", ProfileItem.VERSION, "#u", "updatedAt"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":m", ProfileMerger.stringMap(manual), ":seen", n(seenVersion),
                ":next", n(seenVersion + 1), ":u", n(clock.instant().getEpochSecond())));
        StringBuilder expression = new StringBuilder("SET #m = :m, #v = :next, #u = :u");
        if (!ingestedToRemove.isEmpty()) {
            List<String> removes = new ArrayList<>();
            names.put("#F", ProfileItem.FIELDS);
            for (int i = 0; i < ingestedToRemove.size(); i++) {
                names.put("#r" + i, ingestedToRemove.get(i));
                removes.add("#F.#r" + i);
            }
            expression.append(" REMOVE ").append(String.join(", ", removes));
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(writes.calls.tableName)
                .key(key(StoreKeys.profile(domain, profileId)))
                .updateExpression(expression.toString())
                .conditionExpression("attribute_exists(#pk) AND #v = :seen")
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    /**
     * DeleteProfileObject: the object goes; each key value it brought stops naming the profile
     * unless another source still holds it (the profile's fields, AddProfileKey, another object).
     *
     * @throws ServiceException ResourceNotFoundException when the object is not on that profile
     */
    public void deleteObject(String domain, String profileId, String objectTypeName, String uniqueKey, Deadline deadline) {
        // Decided once unfenced: when every value the object brought keeps another source, nothing
        // is removed, and a source added meanwhile changes nothing. Otherwise fenced, and decided again.
        if (!deleteObjectIfNothingLost(domain, profileId, objectTypeName, uniqueKey, null, deadline)) {
            fence.hold(domain, profileId, deadline,
                    removing -> deleteObjectIfNothingLost(domain, profileId, objectTypeName, uniqueKey, removing, deadline));
        }
    }

    /**
     * Deletes the object and returns true, unless values would lose their last source and it is not
     * fenced ({@code removing} null). Fenced, it adds the values it removes to {@code removing} first.
     */
    private boolean deleteObjectIfNothingLost(String domain, String profileId, String objectTypeName, String uniqueKey,
                                              Set<KeyValue> removing, Deadline deadline) {
        Snapshot seen = writes.reader.read(domain, List.of(), objectTypeName, uniqueKey, deadline, profileId);
        if (seen.profile() == null) throw KeyWriter.notFound(domain, profileId);
        if (seen.object() == null || !profileId.equals(seen.object().profileId())) {
            throw ServiceException.notFound("Profile '" + profileId + "' has no object of type " + objectTypeName
                    + " with ProfileObjectUniqueKey '" + uniqueKey + "'");
        }
        Set<KeyValue> lost = new LinkedHashSet<>(seen.object().profileKeys());
        lost.removeAll(ProfileEraser.keysOnItem(seen.profile()));
        lost.removeAll(writes.membership.stillBrought(domain, profileId, lost,
                new Membership.Member(objectTypeName, uniqueKey, Set.of()), deadline));
        if (!lost.isEmpty() && removing == null) return false;
        if (removing != null) removing.addAll(lost);
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(TransactWriteItem.builder().delete(software.amazon.awssdk.services.dynamodb.model.Delete.builder()
                .tableName(writes.calls.tableName).key(key(StoreKeys.object(domain, objectTypeName, uniqueKey)))
                .conditionExpression("#profileId = :p")
                .expressionAttributeNames(Map.of("#profileId", "profileId"))
                .expressionAttributeValues(Map.of(":p", s(profileId))).build()).build());
        if (!lost.isEmpty()) {
            Snapshot keys = writes.reader.read(domain, lost, null, null, deadline);
            for (KeyValue key : lost) actions.addAll(writes.holders.remove(domain, key, keys.keys().get(key), profileId));
        }
        writes.calls.commit(actions, deadline);
        return true;
    }
}

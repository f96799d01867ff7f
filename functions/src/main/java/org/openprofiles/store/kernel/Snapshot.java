package org.openprofiles.store.kernel;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.KeyValue;
import org.openprofiles.resolution.StandardKeys;
import org.openprofiles.store.table.OperationRecord;

/**
 * What one consistent read saw: the holders of each key value and the stored object, with the
 * key revisions the following write is conditioned on.
 *
 * @param keys   the key values that exist, with their state (absent values are not in the map)
 * @param object the stored object, or null when there is none (or it is past its expiry)
 * @param shards the profile's shards when the read asked for them (a removal decides on them), else null
 */
public record Snapshot(Map<KeyValue, KeyState> keys, ObjectState object, ProfileState profile, Shards shards) {

    public Snapshot(Map<KeyValue, KeyState> keys, ObjectState object) {
        this(keys, object, null, null);
    }

    /**
     * A profile as stored, with the sources of its keys that live on its item.
     *
     * @param fields       the fields as the API shows them (manual values over ingested ones)
     * @param manualFields the paths set by CreateProfile/UpdateProfile
     * @param manualKeys   key values AddProfileKey added
     * @param retainedKeys key values brought by objects that moved away
     * @param version      the item's version, which writes that decided on this read condition on
     * @param op           the DeleteProfile or MergeProfiles recorded on it, still to finish; null when none
     */
    public record ProfileState(String profileId, Map<String, String> fields, Map<String, String> ingestedFields,
                               Map<String, String> manualFields, Set<KeyValue> manualKeys, Set<KeyValue> retainedKeys, long version,
                               OperationRecord op) {
        /** The key values the profile item itself is a source of: its standard fields, AddProfileKey's, moved objects'. */
        public Set<KeyValue> keysOnItem() {
            Set<KeyValue> keys = new LinkedHashSet<>(StandardKeys.of(fields));
            keys.addAll(StandardKeys.of(ingestedFields));
            keys.addAll(manualKeys);
            keys.addAll(retainedKeys);
            return keys;
        }
    }

    /**
     * A key value's holders and revision.
     *
     * @param spilled held by too many profiles to list here: ambiguous, whoever holds it
     * @param born    the item's incarnation ({@code KeyItem#born})
     */
    public record KeyState(Set<String> profileIds, long rev, boolean spilled, String born) {}

    /**
     * A stored object's profile (null when unattached) and the key values it brought to that profile.
     *
     * @param sourceUpdatedAt the stored copy's {@code ObjectItem#sourceUpdatedAt}, or null
     * @param endRecord       the id of the history record that ends it on its profile ({@code ObjectItem#endRecord}), or null
     */
    public record ObjectState(String profileId, Set<KeyValue> profileKeys, Long sourceUpdatedAt, String endRecord) {
        /** Whether a copy of the object last changed at {@code sourceUpdatedAt} is newer than this stored one. */
        public boolean olderThan(long sourceUpdatedAt) {
            return this.sourceUpdatedAt == null || this.sourceUpdatedAt < sourceUpdatedAt;
        }
    }

    /**
     * The holders resolution sees. A spilled value lists none here; resolution skips it exactly as
     * it skips an ambiguous one (both "try the next key").
     */
    public Set<String> holders(KeyValue key) {
        KeyState state = keys.get(key);
        return state == null || state.spilled() ? Set.of() : state.profileIds();
    }
}

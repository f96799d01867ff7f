package org.openprofiles.store;

import java.util.Map;
import java.util.Set;
import org.openprofiles.model.KeyValue;

/**
 * What one consistent read saw: the holders of each key value and the stored object, with the
 * key revisions the following write is conditioned on.
 *
 * @param keys   the key values that exist, with their state (absent values are not in the map)
 * @param object the stored object, or null when there is none
 */
public record Snapshot(Map<KeyValue, KeyState> keys, ObjectState object) {

    /** A key value's holders and revision. */
    public record KeyState(Set<String> profileIds, long rev) {}

    /** A stored object's profile (null when unattached). */
    public record ObjectState(String profileId) {}

    public Set<String> holders(KeyValue key) {
        KeyState state = keys.get(key);
        return state == null ? Set.of() : state.profileIds();
    }
}

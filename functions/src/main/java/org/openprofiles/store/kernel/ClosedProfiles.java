package org.openprofiles.store.kernel;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.ProfileStore;

/**
 * The profiles one PutProfileObject found closed, learnt from its refused writes (a closed shard says deleted, or
 * merged into which profile), and what a put sees through them: a deleted profile holds nothing, a merged one stands
 * for its main profile, followed in case the main profile was merged again.
 */
public final class ClosedProfiles {
    /**
     * Merge hops followed at most: a chain longer than any the request can have met (each hop is one refused write, and
     * a request makes at most {@code Retry.DECIDE_AGAIN} attempts) ends there rather than loop on a cycle.
     */
    static final int MAX_HOPS = 22;

    /** Closed profile → the main profile it was merged into, or empty when deleted. */
    private final Map<String, Optional<String>> closed = new HashMap<>();

    /** Records what a closed shard of {@code profileId} said ({@code mergedInto} null: deleted). */
    public void add(String profileId, String mergedInto) {
        closed.put(profileId, Optional.ofNullable(mergedInto));
    }

    /** The profile itself while open, the profile standing for it once merged, empty once deleted. */
    public Optional<String> standIn(String profileId) {
        String current = profileId;
        for (int hops = 0; current != null && closed.containsKey(current) && hops < MAX_HOPS; hops++) {
            Optional<String> next = closed.get(current);
            current = next.isPresent() && !next.get().equals(current) ? next.get() : null;
        }
        return Optional.ofNullable(current);
    }

    /** The open holders among {@code holders}, closed ones replaced by their stand-ins. */
    Set<String> open(Set<String> holders) {
        if (closed.isEmpty()) return holders;
        Set<String> open = new LinkedHashSet<>();
        for (String id : holders) standIn(id).ifPresent(open::add);
        return open;
    }

    /**
     * Each closed profile and the open profile that stands for it now: a key value this put writes lists the closed ones
     * no more, a merged one's stand-in in its place (their erasure or merge would change the value a moment later; until
     * then they would make it look shared).
     */
    public Map<String, Optional<String>> standIns() {
        Map<String, Optional<String>> standIns = new HashMap<>();
        for (String id : closed.keySet()) standIns.put(id, standIn(id));
        return standIns;
    }

    /** What a put decides on: {@code seen}, seen through the closed profiles. */
    public ProfileStore.PutView view(Snapshot seen) {
        return new ProfileStore.PutView() {
            @Override
            public ProfileStore.StoredCopy stored() {
                return seen.object() == null ? null : new ProfileStore.StoredCopy(seen.object().profileId(), seen.object().sourceUpdatedAt());
            }

            @Override
            public Set<String> holders(KeyValue key) {
                return open(seen.holders(key));
            }

            @Override
            public Optional<String> standIn(String profileId) {
                return ClosedProfiles.this.standIn(profileId);
            }
        };
    }
}

package org.openprofiles.store.kernel;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.table.StoreKeys;

/** Every shard of a profile, as one consistent read saw them ({@link ProfileShards} writes them). */
public record Shards(List<Shard> all) {
    /** An object of a profile (or once of it): its type, unique key and the key values it brought the profile. */
    public record Member(String objectTypeName, String uniqueKey, Set<KeyValue> profileKeys) {
        String pk(String domain) { return StoreKeys.object(domain, objectTypeName, uniqueKey); }
    }

    /** A removal recorded on a shard. */
    record Removed(String born, long rev, long atMillis) {}

    /** One shard as read: absent ({@code exists} false), open, or closed by {@code closedBy}. */
    record Shard(int index, boolean exists, long n, String closedBy, String mergedInto, long closedAtMillis,
                 Map<String, Removed> removed, Map<String, Member> objects, Map<String, Integer> history) {}

    /** The operation that closed the profile, or null while open. */
    String closedBy() {
        for (Shard shard : all) if (shard.closedBy() != null) return shard.closedBy();
        return null;
    }

    /** The ids of every history record listed under the profile, with the month of the list each is in ({@link History#listed}). */
    Map<String, Integer> history() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Shard shard : all) shard.history().forEach((id, month) -> ids.merge(id, month, Math::max));
        return ids;
    }

    /** Every object the shards list, each once, with every key value it was ever recorded to bring. */
    Map<String, Member> members() {
        Map<String, Member> members = new LinkedHashMap<>();
        for (Shard shard : all) {
            shard.objects().forEach((id, m) -> {
                Member known = members.get(id);
                if (known == null) {
                    members.put(id, new Member(m.objectTypeName(), m.uniqueKey(), new LinkedHashSet<>(m.profileKeys())));
                } else {
                    known.profileKeys().addAll(m.profileKeys());
                }
            });
        }
        return members;
    }
}

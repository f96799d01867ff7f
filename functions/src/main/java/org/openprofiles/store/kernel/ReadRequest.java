package org.openprofiles.store.kernel;

import java.util.Collection;
import java.util.List;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.config.ConfigRead;

/**
 * What one consistent read ({@link ConsistentReads#read}) fetches in one BatchGetItem, each part optional: key values,
 * an object, the domain's configuration item (a cached configuration confirmed at no extra call), a profile's item and,
 * for a write that removes a source or closes the profile, its shards.
 */
public record ReadRequest(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, ConfigRead config,
                          String profileId, boolean withShards) {
    public static ReadRequest keys(String domain, Collection<KeyValue> keys) {
        return new ReadRequest(domain, List.copyOf(keys), null, null, null, null, false);
    }

    public static ReadRequest profile(String domain, String profileId) {
        return keys(domain, List.of()).andProfile(profileId);
    }

    public ReadRequest andObject(String objectTypeName, String uniqueKey) {
        return new ReadRequest(domain, keys, objectTypeName, uniqueKey, config, profileId, withShards);
    }

    /** {@code config} null: none. */
    public ReadRequest andConfig(ConfigRead config) {
        return new ReadRequest(domain, keys, objectTypeName, uniqueKey, config, profileId, withShards);
    }

    public ReadRequest andProfile(String profileId) {
        return new ReadRequest(domain, keys, objectTypeName, uniqueKey, config, profileId, withShards);
    }

    /** The profile's shards too (a profile must be named). */
    public ReadRequest andShards() {
        if (profileId == null) throw new IllegalStateException("shards are read with their profile");
        return new ReadRequest(domain, keys, objectTypeName, uniqueKey, config, profileId, true);
    }
}

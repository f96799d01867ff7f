package org.openprofiles.store.ingest;

import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.lifecycle.ProfileShards;

/**
 * A put was refused by a shard of a profile it adds to ({@link ProfileShards}): the profile is closed
 * (DeleteProfile or MergeProfiles), or a value the put relied on was removed from it since the put's
 * read. Nothing was written; the caller reads that shard ({@link ProfileStore#shardState}) and
 * decides again.
 */
public final class ProfileClosedException extends RuntimeException {
    private final String profileId;
    private final int shard;

    public ProfileClosedException(String profileId, int shard) {
        super("refused by a profile shard", null, false, false);
        this.profileId = profileId;
        this.shard = shard;
    }

    public String profileId() {
        return profileId;
    }

    public int shard() {
        return shard;
    }
}

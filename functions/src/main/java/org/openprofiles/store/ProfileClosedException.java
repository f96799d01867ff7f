package org.openprofiles.store;

/**
 * A write was refused because a profile it adds to is closed: DeleteProfile or MergeProfiles
 * closed its gates ({@link Gates}). Nothing was written; the caller learns where the profile went
 * ({@link ProfileStore#closedState}) and decides again without it.
 */
public final class ProfileClosedException extends RuntimeException {
    private final String profileId;

    public ProfileClosedException(String profileId) {
        super("profile closed", null, false, false);
        this.profileId = profileId;
    }

    public String profileId() {
        return profileId;
    }
}

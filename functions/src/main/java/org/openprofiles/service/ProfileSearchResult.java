package org.openprofiles.service;

import java.util.List;
import org.openprofiles.store.ProfileStore.StoredProfile;

/** One page of SearchProfiles: each profile with the search keys that found it. */
public record ProfileSearchResult(List<Found> profiles, String nextToken) {
    public record Found(StoredProfile profile, List<SearchKey> foundBy) {}
}

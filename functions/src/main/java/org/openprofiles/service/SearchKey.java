package org.openprofiles.service;

import java.util.List;

/** One key of a SearchProfiles request, or of a profile's FoundByItems. */
public record SearchKey(String keyName, List<String> values) {
    public SearchKey {
        values = List.copyOf(values);
    }
}

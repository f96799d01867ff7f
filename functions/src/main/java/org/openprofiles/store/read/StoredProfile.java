package org.openprofiles.store.read;

import java.util.Map;

/** A profile as stored: its id and standard fields by path below {@code _profile.}. */
public record StoredProfile(String profileId, Map<String, String> fields) {}

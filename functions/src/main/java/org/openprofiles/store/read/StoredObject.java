package org.openprofiles.store.read;

/**
 * A profile object as stored.
 *
 * @param profileId the profile it is attached to, or null when it matched none
 * @param object    the object exactly as it was put
 */
public record StoredObject(String objectTypeName, String profileObjectUniqueKey, String profileId, String object) {}

package org.openprofiles.store;

import java.util.List;
import java.util.Map;
import org.openprofiles.model.KeyValue;

/**
 * One PutProfileObject's write, decided by the service from what the store read ({@link ProfileStore.PutView}).
 *
 * @param objectKeys    the object's own key values (for filtering a profile's objects)
 * @param profileId     the profile the object attaches to, or null to keep it unattached
 * @param createProfile whether {@code profileId} is a new inferred profile
 * @param profileFields standard fields to set (never empty values), by path below {@code _profile.}
 * @param profileKeys   key values the profile holds after this write (those it does not hold yet are added)
 * @param keptProfileId when the decision kept the object on the profile it was stored on, that profile:
 *                      the write fails if the stored object moved meanwhile; otherwise null
 * @param sourceUpdatedAt when the source last changed this copy (epoch milliseconds): the object is written only over
 *                        no object, an expired one, one stored without it, or an older copy; null: written whatever is stored
 */
public record ObjectPut(String domainName, String objectTypeName, String uniqueKey, String object,
                        List<KeyValue> objectKeys, Long expiresAt, String profileId, boolean createProfile,
                        Map<String, String> profileFields, List<KeyValue> profileKeys,
                        String keptProfileId, Long sourceUpdatedAt) {}

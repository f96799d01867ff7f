package org.openprofiles.store.ingest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openprofiles.model.KeyValue;

/**
 * One PutProfileObject's write, decided by the service from a {@link Snapshot}.
 *
 * @param objectKeys    the object's own key values (for filtering a profile's objects)
 * @param profileId     the profile the object attaches to, or null to keep it unattached
 * @param createProfile whether {@code profileId} is a new inferred profile
 * @param profileFields standard fields to set (never empty values), by path below {@code _profile.}
 * @param profileKeys   key values the profile holds after this write (those it does not hold yet are added)
 * @param keptProfileId when the decision kept the object on the profile it was stored on, that profile:
 *                      the write fails if the stored object moved meanwhile; otherwise null
 * @param closedHolders profiles this put found deleted (empty) or merged away (the profile that stands for it now): a
 *                      value it writes lists them no more, a merged one's stand-in in its place (their erasure or merge
 *                      would change the value a moment later; until then they would make it ambiguous)
 * @param sourceUpdatedAt when the source last changed this copy (epoch milliseconds): the object is written only over
 *                        no object, an expired one, one stored without it, or an older copy; null: written whatever is stored
 */
public record ObjectPut(String domainName, String objectTypeName, String uniqueKey, String object,
                        List<KeyValue> objectKeys, Long expiresAt, String profileId, boolean createProfile,
                        Map<String, String> profileFields, List<KeyValue> profileKeys,
                        String keptProfileId, Map<String, Optional<String>> closedHolders, Long sourceUpdatedAt) {}

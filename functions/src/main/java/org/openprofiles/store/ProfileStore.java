package org.openprofiles.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.config.ConfigRead;

/**
 * The profile store, as the services use it: every operation on profile data in the domain's words. Each runs to its
 * end inside the store: a write that loses a race reads and decides again, an interrupted DeleteProfile or
 * MergeProfiles met on the way is finished first, a closed profile is followed to the profile that stands for it. What
 * comes out is a plain result or a {@link org.openprofiles.model.ServiceException}: not found (404), throttled or out
 * of time (429, nothing written), or 500 when a write may have been applied and the store could not tell.
 *
 * <p>{@code typeNames}: every object type a profile of the domain can hold, which a deletion or merge met on the way
 * erases or moves. {@code config}: the domain's configuration item to read along with the first read (null: none);
 * {@code afterRead} runs right after that read, before anything is decided, to confirm the cached configuration.
 */
public interface ProfileStore {
    /** A profile as stored: its id and standard fields by path below {@code _profile.}. */
    record StoredProfile(String profileId, Map<String, String> fields) {}

    /**
     * A profile object as stored.
     *
     * @param profileId the profile it is attached to, or null when it matched none
     * @param object    the object exactly as it was put
     */
    record StoredObject(String objectTypeName, String profileObjectUniqueKey, String profileId, String object) {}

    /** One page of a profile's objects; {@code nextToken} opaque, null on the last page. */
    record ObjectPage(List<StoredObject> objects, String nextToken) {}

    /** The stored copy of the object a put is for: its profile (null: unattached) and its source's order (or null). */
    record StoredCopy(String profileId, Long sourceUpdatedAt) {
        /** Whether a copy of the object last changed at {@code sourceUpdatedAt} is newer than this stored one. */
        public boolean olderThan(long sourceUpdatedAt) {
            return this.sourceUpdatedAt == null || this.sourceUpdatedAt < sourceUpdatedAt;
        }
    }

    /**
     * Who makes a change, for the profile history records it writes (in the same transaction as the change).
     *
     * @param performedBy   the caller's identity (the IAM ARN API Gateway saw; the consumer's own for stream records), or null
     * @param retentionDays how long the records are kept (the domain's DefaultExpirationDays), in days
     */
    record Audit(String performedBy, int retentionDays) {}

    /** What a history record says happened (the service model's ActionType). */
    enum HistoryAction { ADDED_PROFILE_KEY, DELETED_PROFILE_KEY, CREATED, UPDATED, INGESTED, DELETED_BY_CUSTOMER, EXPIRED, MERGED, DELETED_BY_MERGE }

    /**
     * One profile history record; append-only (its LastUpdatedAt is its CreatedAt).
     *
     * @param profileObjectUniqueKey the object's key for object records, else null
     * @param content                the JSON recorded (the profile, object or key as changed), or null
     */
    record HistoryRecord(String id, String objectTypeName, Instant createdAt, HistoryAction actionType, String profileObjectUniqueKey,
                         String performedBy, String content) {}

    /** One page of a profile's history, newest first; {@code nextToken} opaque, null on the last page. */
    record HistoryPage(List<HistoryRecord> records, String nextToken) {}

    /** Filters of a history listing, all of them applying (null: any). */
    record HistoryFilter(HistoryAction actionType, String objectTypeName, String performedBy) {}

    /** What a PutProfileObject decides on: one consistent read, closed profiles replaced by those standing for them. */
    interface PutView {
        /** The object as stored, or null (none, or past its expiry). */
        StoredCopy stored();

        /** The open profiles holding a key value (a spilled value: none, as for an ambiguous one). */
        Set<String> holders(KeyValue key);

        /** The profile itself while open; the main profile it was merged into (followed); empty once deleted. */
        Optional<String> standIn(String profileId);
    }

    /** A PutProfileObject's decision on what it read: the write, or null to write nothing. */
    @FunctionalInterface
    interface PutDecision {
        ObjectPut decide(PutView seen);
    }

    /**
     * A stream record that can never be stored, kept for a user to read and replay.
     *
     * @param recordId where the record came from, unique per record: a record delivered again lands on the same item
     * @param problem  the kind of refusal (a short code, safe to log)
     * @param reason   the refusal's message, which may quote the record
     */
    record DeadLetter(String domainName, String objectTypeName, String recordId, String problem, String reason, byte[] data,
                      Instant setAsideAt) {}

    /**
     * PutProfileObject: reads the key values in {@code keys} and the object, has {@code decide} decide, and commits its
     * decision in one conditional write; again while a concurrent write changes what was read.
     *
     * @return whether a write landed (false: the decision was to write nothing)
     */
    boolean putObject(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, ConfigRead config,
                      Collection<String> typeNames, PutDecision decide, Audit audit, Deadline deadline);

    /** AddProfileKey: the profile joins the holders of each value. 404 for an unknown or removed profile. */
    void addKeys(String domain, String profileId, Set<KeyValue> keys, Audit audit, Deadline deadline);

    /** CreateProfile, with a new id the caller minted. */
    void createProfile(String domain, String profileId, Map<String, String> fields, Audit audit, Deadline deadline);

    /** UpdateProfile: {@code set} paths set (manual values), {@code remove} paths removed. */
    void updateProfile(String domain, String profileId, Map<String, String> set, Set<String> remove, ConfigRead config,
                       Runnable afterRead, Collection<String> typeNames, Audit audit, Deadline deadline);

    /** DeleteProfileKey: the profile stops holding each value. 404 for an unknown profile or a value it does not hold. */
    void deleteKeys(String domain, String profileId, Set<KeyValue> keys, ConfigRead config, Runnable afterRead,
                    Collection<String> typeNames, Audit audit, Deadline deadline);

    /** DeleteProfileObject. 404 when the object is not on that profile. */
    void deleteObject(String domain, String profileId, String objectTypeName, String uniqueKey, Collection<String> typeNames,
                      Audit audit, Deadline deadline);

    /** DeleteProfile: the profile and everything it holds, its history included. */
    void deleteProfile(String domain, String profileId, Collection<String> typeNames, Deadline deadline);

    /** MergeProfiles. {@code fieldSources}: field path or group → the profile whose value wins, even an absent one. */
    void mergeProfiles(String domain, String mainId, List<String> mergedIds, Map<String, String> fieldSources,
                       Collection<String> typeNames, Audit audit, Deadline deadline);

    /** Finishes the domain's DeleteProfile and MergeProfiles whose function died and that no request met; how many. */
    int finishAbandoned(String domain, Collection<String> typeNames, Deadline deadline);

    /**
     * For each key value that exists, the ascending ids of its holders after {@code after} (null: from the start), in
     * one consistent read; a spilled value's holders are read page by page as the caller iterates.
     */
    Map<KeyValue, Supplier<Iterator<String>>> holders(String domain, Collection<KeyValue> keys, String after, ConfigRead config,
                                                      Deadline deadline);

    /** The existing profiles among the given ids (one consistent read per 100). */
    Map<String, StoredProfile> profiles(String domain, Collection<String> profileIds, ConfigRead config, Deadline deadline);

    /** One page of a profile's objects of one type; with {@code anyOf}, only objects holding one of those key values. */
    ObjectPage objects(String domain, String profileId, String objectTypeName, Collection<KeyValue> anyOf, int limit,
                       String nextToken, Deadline deadline);

    /**
     * A profile's object as a calculated attribute reads it.
     *
     * @param ingestedAtMillis the server time of the object's last write (epoch milliseconds; a merge moving it keeps it)
     */
    record TimedObject(String objectTypeName, String profileObjectUniqueKey, String object, long ingestedAtMillis) {}

    /** A profile read with its objects of some types; {@code createdAt} in epoch seconds. */
    record ProfileWithObjects(String profileId, long createdAt, List<TimedObject> objects) {}

    /**
     * A profile and its objects of the given types, strongly consistent (every write that returned before the call is
     * seen), with {@code config} read in the first read. Empty when the profile does not exist, was deleted or merged
     * away. Objects past their expiry are left out.
     */
    Optional<ProfileWithObjects> profileWithObjects(String domain, String profileId, Set<String> objectTypeNames, ConfigRead config,
                                                    Deadline deadline);

    /**
     * One page of a profile's history records, newest first, with the filters applied. 404 for an unknown or removed
     * profile. Records carry no content here.
     */
    HistoryPage history(String domain, String profileId, HistoryFilter filter, int limit, String nextToken, Deadline deadline);

    /** One history record of the profile, with its content. 404 for an unknown profile or an id not among its records. */
    HistoryRecord historyRecord(String domain, String profileId, String recordId, Deadline deadline);

    /** One step of bringing objects of earlier versions into ListProfileObjects' order; {@code nextCursor} null: done. */
    record ReorderStep(int reordered, String nextCursor) {}

    /**
     * Gives the objects written by earlier versions (listed after every newer one, in key order) the newest-first sort
     * key of their last write: one page of the table from {@code cursor} (null: the start) per call.
     */
    ReorderStep reorderObjects(String cursor, int pageSize, Deadline deadline);

    /** Keeps a stream record that can never be stored (the same record twice is one). */
    void setAside(DeadLetter letter, Deadline deadline);
}

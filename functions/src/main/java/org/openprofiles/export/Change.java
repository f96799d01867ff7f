package org.openprofiles.export;

import java.time.Instant;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;

/**
 * One change of a profile or profile object item, from the table's change stream (NEW_AND_OLD_IMAGES): the image
 * before (null for an insert) and after (null for a removal), as the store's own item records. Plain Java, so the
 * mapping to events ({@link ChangeEvents}) is tested without AWS types.
 *
 * @param sequenceNumber the stream record's sequence number (what a batch item failure names)
 * @param recordId       the stream record's eventID: the same on every delivery of the record
 * @param at             when the change was written (the record's ApproximateCreationDateTime)
 */
public record Change(String sequenceNumber, String recordId, Instant at, String domain,
                     ProfileItem oldProfile, ProfileItem newProfile, ObjectItem oldObject, ObjectItem newObject) {

    public static Change profile(String sequenceNumber, String recordId, Instant at, String domain, ProfileItem before, ProfileItem after) {
        return new Change(sequenceNumber, recordId, at, domain, before, after, null, null);
    }

    public static Change object(String sequenceNumber, String recordId, Instant at, String domain, ObjectItem before, ObjectItem after) {
        return new Change(sequenceNumber, recordId, at, domain, null, null, before, after);
    }

    boolean isProfile() {
        return oldProfile != null || newProfile != null;
    }
}

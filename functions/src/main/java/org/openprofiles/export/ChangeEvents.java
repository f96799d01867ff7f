package org.openprofiles.export;

import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openprofiles.json.Json;
import org.openprofiles.model.StandardProfile;
import org.openprofiles.store.table.OperationRecord;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;

/**
 * Changes of the table's items as the events of the admin guide's "Real-time export Kinesis payload":
 * {@code SchemaVersion}, {@code EventId}, {@code EventTimestamp}, {@code EventType}, {@code DomainName},
 * {@code ObjectTypeName}, {@code AssociatedProfileId}, {@code ProfileObjectUniqueKey}, {@code Object} (JSON),
 * {@code IsMessageRealTime}; a MERGED event also lists {@code MergedProfileIds} (this implementation's member).
 *
 * <ul>
 *   <li>A profile: created → CREATED; its shape (the Profile of the API's reads) changed → UPDATED; removed by
 *     DeleteProfile → DELETED (its id only); a merge's record removed from its main profile once the merge finished →
 *     MERGED (the main profile as merged, and the merged-away ids). While a DeleteProfile or MergeProfiles is recorded on
 *     a profile its writes make no event (the operation's own event tells), and a merged-away profile's removal none
 *     (the MERGED event names it).</li>
 *   <li>An object: created → CREATED, rewritten or moved by a merge → UPDATED; its removal makes no event (the format
 *     has none for objects: a removed profile's DELETED says its objects went).</li>
 * </ul>
 * Every other item (key values, shards, configuration, ...) makes no event.
 */
public final class ChangeEvents {
    public enum Type { CREATED, UPDATED, DELETED, MERGED }

    public static final int SCHEMA_VERSION = 0;
    public static final String PROFILE_TYPE = "_profile";

    private ChangeEvents() {}

    /** The event a change makes, or null when it makes none. */
    public static ExportEvent of(Change change) {
        return change.isProfile() ? profileEvent(change) : objectEvent(change);
    }

    private static ExportEvent profileEvent(Change change) {
        ProfileItem before = change.oldProfile();
        ProfileItem after = change.newProfile();
        if (after == null) {
            if (before.op() != null && OperationRecord.parse(before.op()).kind() == OperationRecord.Kind.MERGE) return null;
            return event(change, Type.DELETED, PROFILE_TYPE, before.profileId(), null, Map.of("ProfileId", before.profileId()), null);
        }
        if (after.op() != null) return null;
        Map<String, Object> shape = StandardProfile.shape(after.profileId(), after.effectiveFields());
        if (before == null) return event(change, Type.CREATED, PROFILE_TYPE, after.profileId(), null, shape, null);
        if (before.op() != null) {
            OperationRecord op = OperationRecord.parse(before.op());
            if (op.kind() == OperationRecord.Kind.MERGE && op.main().equals(after.profileId())) {
                return event(change, Type.MERGED, PROFILE_TYPE, after.profileId(), null, shape, op.merged());
            }
        }
        if (StandardProfile.shape(before.profileId(), before.effectiveFields()).equals(shape)) return null;
        return event(change, Type.UPDATED, PROFILE_TYPE, after.profileId(), null, shape, null);
    }

    private static ExportEvent objectEvent(Change change) {
        ObjectItem after = change.newObject();
        if (after == null) return null;
        Type type = change.oldObject() == null ? Type.CREATED : Type.UPDATED;
        return event(change, type, after.objectTypeName(), after.profileId(), after.uniqueKey(), Json.parse(after.object()), null);
    }

    private static ExportEvent event(Change change, Type type, String objectTypeName, String profileId, String uniqueKey, Object object,
                                     List<String> mergedIds) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("SchemaVersion", SCHEMA_VERSION);
        String eventId = eventId(change);
        payload.put("EventId", eventId);
        payload.put("EventTimestamp", change.at().truncatedTo(ChronoUnit.MILLIS).toString());
        payload.put("EventType", type.name());
        payload.put("DomainName", change.domain());
        payload.put("ObjectTypeName", objectTypeName);
        if (profileId != null) payload.put("AssociatedProfileId", profileId);
        if (uniqueKey != null) payload.put("ProfileObjectUniqueKey", uniqueKey);
        payload.put("Object", object);
        if (mergedIds != null) payload.put("MergedProfileIds", mergedIds);
        payload.put("IsMessageRealTime", true);
        return new ExportEvent(eventId, change.domain(), profileId != null ? profileId : uniqueKey, profileId, type, payload);
    }

    /**
     * The same for every delivery of the change (derived from the stream record's id and sequence number, which DynamoDB
     * Streams keeps for the record), different for every change: consumers de-duplicate on it.
     */
    static String eventId(Change change) {
        return UUID.nameUUIDFromBytes((change.recordId() + "/" + change.sequenceNumber()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The event without the profile's data, for a profile that was erased (deleted, or merged away) by the time the
     * event is written: ids only, as in its DELETED event.
     */
    public static ExportEvent redacted(ExportEvent event) {
        Map<String, Object> payload = new LinkedHashMap<>(event.payload());
        if (PROFILE_TYPE.equals(payload.get("ObjectTypeName"))) payload.put("Object", Map.of("ProfileId", event.profileId()));
        else payload.remove("Object");
        return new ExportEvent(event.eventId(), event.domain(), event.partitionKey(), event.profileId(), event.type(), payload);
    }

    /** The bytes written to Kinesis: the payload as UTF-8 JSON. */
    public static byte[] bytes(ExportEvent event) {
        return Json.write(event.payload()).getBytes(StandardCharsets.UTF_8);
    }
}

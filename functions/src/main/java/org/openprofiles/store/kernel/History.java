package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.openprofiles.store.ProfileStore.Audit;
import org.openprofiles.store.ProfileStore.HistoryAction;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Profile history records: written by the kernel in the same transaction as the change they record (one more Put),
 * so a change DynamoDB refused leaves none. Each is its own item (no two writes share one) and is listed on a shard
 * of its profile by the same transaction ({@link ProfileShards#listing}), so a DeleteProfile finds every record of
 * the profile in its strongly consistent read of the shards, and a merge re-points them to the main profile.
 *
 * <p>A record's id is derived from the request ({@link Change#token}) and what it records, never from the attempt:
 * a transaction sent again with its token after a lost answer, or an attempt that decides again after one that may
 * have landed, writes the same item again, so a request leaves one record per change, however often it was sent.
 */
public final class History {
    /** The ObjectTypeName of records about the profile itself (the name the `_new_customer` default uses). */
    public static final String PROFILE_TYPE = "_profile";
    public static final String RECORD_ID = "recordId";
    public static final String PROFILE_ID = "profileId";
    public static final String ACTION = "actionType";
    public static final String OBJECT_TYPE = "objectTypeName";
    public static final String UNIQUE_KEY = "uniqueKey";
    public static final String PERFORMED_BY = "performedBy";
    public static final String CREATED_AT = "createdAt";
    public static final String CONTENT = "content";
    /** Retention of a merge's records when its operation was recorded by a version that did not record one. */
    static final int DEFAULT_RETENTION_DAYS = 366;

    private History() {}

    /**
     * One request's change, fixed before its first attempt: every attempt writes the same records.
     *
     * @param token    random per request (or an operation's id): what the records' ids derive from
     * @param atMillis when the request began: every record it writes says so, whichever attempt landed
     */
    public record Change(String token, String performedBy, int retentionDays, long atMillis) {
        public static Change of(Audit audit, Clock clock) {
            return new Change(UUID.randomUUID().toString(), audit.performedBy(), audit.retentionDays(), clock.millis());
        }

        /** A record expiring with the domain's retention. */
        public Entry record(HistoryAction action, String profileId, String objectTypeName, String uniqueKey, String content) {
            return record(action, profileId, objectTypeName, uniqueKey, content, atMillis / 1000 + 86_400L * retentionDays);
        }

        /**
         * The record that ends an object on its profile: EXPIRED, dated at the object's expiry and hidden until then, as
         * the object is shown until then. Under {@code id} when the object on this profile already has one (a put again
         * moves its date), else a new one. A DeleteProfileObject records itself under the same id ({@link Entry#as}),
         * so an object ends once: deleted or expired, never both.
         */
        public Entry expiry(String id, String profileId, String objectTypeName, String uniqueKey, long objectExpiresAt) {
            String recordId = id != null ? id : id(token, HistoryAction.EXPIRED.name(), profileId, objectTypeName, uniqueKey);
            return new Entry(recordId, profileId, HistoryAction.EXPIRED, objectTypeName, uniqueKey, null, null,
                    objectExpiresAt * 1000, objectExpiresAt + 86_400L * retentionDays);
        }

        /** A record expiring at {@code expiresAt} (epoch seconds; an object's records expire with it). */
        public Entry record(HistoryAction action, String profileId, String objectTypeName, String uniqueKey, String content, Long expiresAt) {
            String id = id(token, action.name(), profileId, objectTypeName, uniqueKey == null ? "" : uniqueKey);
            return new Entry(id, profileId, action, objectTypeName, uniqueKey, content, performedBy, atMillis, expiresAt);
        }
    }

    /** A record to write: listed under {@code profileId}. */
    public record Entry(String id, String profileId, HistoryAction action, String objectTypeName, String uniqueKey, String content,
                        String performedBy, long atMillis, Long expiresAt) {
        /** The same record under another id (a deletion under the id of the expiry it replaces). */
        public Entry as(String otherId) {
            return new Entry(otherId, profileId, action, objectTypeName, uniqueKey, content, performedBy, atMillis, expiresAt);
        }

        /** The same record, listed under another profile (a merged profile's records live on under the main one). */
        public Entry under(String otherProfileId) {
            return new Entry(id, otherProfileId, action, objectTypeName, uniqueKey, content, performedBy, atMillis, expiresAt);
        }
    }

    /** The record's id: 32 hex characters of a SHA-256 over the request's token and what the record is about. */
    static String id(String... parts) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The Delete of a record that will not happen: the expiry of an object that moved to another profile. */
    public static TransactWriteItem delete(String tableName, String domain, String recordId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(tableName)
                .key(itemKey(StoreKeys.historyRecord(domain, recordId))).build()).build();
    }

    /** The record's Put: unconditional, so writing it again (a resend, another finisher) leaves the one item. */
    public static TransactWriteItem put(String tableName, String domain, Entry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ProfilesTable.PARTITION_KEY, s(StoreKeys.historyRecord(domain, e.id())));
        item.put(RECORD_ID, s(e.id()));
        item.put(PROFILE_ID, s(e.profileId()));
        item.put(ACTION, s(e.action().name()));
        item.put(OBJECT_TYPE, s(e.objectTypeName()));
        if (e.uniqueKey() != null) item.put(UNIQUE_KEY, s(e.uniqueKey()));
        if (e.performedBy() != null) item.put(PERFORMED_BY, s(e.performedBy()));
        if (e.content() != null) item.put(CONTENT, s(e.content()));
        item.put(CREATED_AT, n(e.atMillis()));
        if (e.expiresAt() != null) item.put(ProfilesTable.TTL_ATTRIBUTE, n(e.expiresAt()));
        item.put(ProfilesTable.INDEX_PARTITION_KEY, s(StoreKeys.profileHistory(domain, e.profileId())));
        item.put(ProfilesTable.INDEX_SORT_KEY, s(StoreKeys.newestFirst(e.atMillis(), e.id())));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item).build()).build();
    }
}

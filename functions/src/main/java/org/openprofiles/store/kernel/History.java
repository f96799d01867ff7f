package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.openprofiles.store.ProfileStore.Audit;
import org.openprofiles.store.ProfileStore.HistoryAction;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Profile history records: written by the kernel in the same transaction as the change they record (one more Put),
 * so a change DynamoDB refused leaves none. Each is its own item (no two writes share one) and is listed on a shard
 * of its profile by the same transaction ({@link #listing}), so a DeleteProfile finds every record of
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
    /** The shard attribute listing record ids before the month lists (string set): read, never dropped. */
    static final String LISTED = "history";
    /** Prefix of a shard's month lists: {@code h<month>} lists the records that expire in that month (months since 1970, UTC). */
    private static final String LISTED_IN_MONTH = "h";
    /** The month of an id listed in {@link #LISTED}, whose expiry the shard does not say. */
    static final int UNKNOWN_MONTH = -1;
    /**
     * A write that lists records on a shard also drops its month lists of the {@code DROPPED_MONTHS} months that ended a
     * month or more before the write's month began: their records expired at least a month ago, and DynamoDB's TTL
     * deletes an expired item within days. So what a profile's shards list (and every read of them costs) follows the
     * records still kept, not every record the profile ever had. A shard no write reaches for a year keeps older lists,
     * which then no longer grow.
     */
    static final int DROPPED_MONTHS = 12;

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

    /**
     * The same shard update (an add or the first of a removal's), also listing records under the profile in the lists of
     * the months they expire in, and dropping the lists of records long expired ({@link #DROPPED_MONTHS}). What is
     * listed is what the profile's erasure deletes; a transaction a closed shard refuses lists and writes nothing.
     */
    public static TransactWriteItem listing(TransactWriteItem shardUpdate, Collection<Entry> records) {
        Map<String, Integer> months = new LinkedHashMap<>();
        long requestMillis = Long.MAX_VALUE; // the request's time: the earliest of its records (an expiry is dated later)
        for (Entry e : records) {
            months.merge(e.id(), e.expiresAt() == null ? UNKNOWN_MONTH : month(e.expiresAt()), Math::max);
            requestMillis = Math.min(requestMillis, e.atMillis());
        }
        return records.isEmpty() ? shardUpdate : listing(shardUpdate, months, requestMillis);
    }

    /** The same for ids already listed elsewhere, with the months of their lists (a merge re-points them). */
    static TransactWriteItem listing(TransactWriteItem shardUpdate, Map<String, Integer> monthById, long nowMillis) {
        int lastDropped = lastDroppedMonth(nowMillis);
        Map<Integer, List<String>> byMonth = new TreeMap<>();
        monthById.forEach((id, m) -> {
            if (m == UNKNOWN_MONTH || m > lastDropped) byMonth.computeIfAbsent(m, k -> new ArrayList<>()).add(id);
        });
        Update update = shardUpdate.update();
        Map<String, String> names = new HashMap<>(update.expressionAttributeNames());
        Map<String, AttributeValue> values = new HashMap<>(update.expressionAttributeValues());
        List<String> adds = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> listed : byMonth.entrySet()) {
            String at = "h" + adds.size();
            names.put("#" + at, listed.getKey() == UNKNOWN_MONTH ? LISTED : LISTED_IN_MONTH + listed.getKey());
            values.put(":" + at, AttributeValue.fromSs(listed.getValue()));
            adds.add("#" + at + " :" + at);
        }
        List<String> drops = new ArrayList<>();
        for (int m = lastDropped - DROPPED_MONTHS + 1; m <= lastDropped; m++) {
            String at = "#x" + drops.size();
            names.put(at, LISTED_IN_MONTH + m);
            drops.add(at);
        }
        String expression = update.updateExpression();
        if (!adds.isEmpty()) {
            // An add's expression is "ADD #n :one..."; a removal's is "SET ...": the ids join the ADD clause, or start one.
            String add = String.join(", ", adds);
            expression = expression.startsWith("ADD ") ? "ADD " + add + ", " + expression.substring(4) : expression + " ADD " + add;
        }
        expression += " REMOVE " + String.join(", ", drops);
        return TransactWriteItem.builder().update(update.toBuilder().updateExpression(expression)
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    /** The ids a shard item lists, with the month of the list each is in (the latest, when in several). */
    static Map<String, Integer> listed(Map<String, AttributeValue> shard) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        shard.forEach((name, value) -> {
            int month = name.equals(LISTED) ? UNKNOWN_MONTH
                    : name.startsWith(LISTED_IN_MONTH) && name.length() > 1 && name.substring(1).chars().allMatch(Character::isDigit)
                    ? Integer.parseInt(name.substring(1)) : Integer.MIN_VALUE;
            if (month != Integer.MIN_VALUE && value.hasSs()) for (String id : value.ss()) ids.merge(id, month, Math::max);
        });
        return ids;
    }

    /** The last month whose list a write at {@code nowMillis} drops: the month before the previous one. */
    static int lastDroppedMonth(long nowMillis) {
        return month(Math.floorDiv(nowMillis, 1000)) - 2;
    }

    /** Months since January 1970 (UTC) of an epoch second. */
    static int month(long epochSecond) {
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L));
        return (day.getYear() - 1970) * 12 + day.getMonthValue() - 1;
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

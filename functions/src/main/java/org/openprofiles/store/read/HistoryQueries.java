package org.openprofiles.store.read;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.ProfileStore.HistoryAction;
import org.openprofiles.store.ProfileStore.HistoryFilter;
import org.openprofiles.store.ProfileStore.HistoryPage;
import org.openprofiles.store.ProfileStore.HistoryRecord;
import org.openprofiles.store.kernel.ConsistentReads;
import org.openprofiles.store.kernel.History;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The two reads of a profile's history ({@link History}): a page of its records newest first (the index partition of
 * the profile's records, eventually consistent like every listing), and one record by id (consistent). Both answer 404
 * for a profile that does not exist or is being deleted or merged away, as every read of a profile does.
 */
public final class HistoryQueries {
    /** Time left below which a filtered listing answers with what it has rather than read another index page. */
    static final Duration PAGE_TIME = Duration.ofSeconds(1);

    private final DynamoCalls calls;
    private final Clock clock;

    public HistoryQueries(DynamoCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /**
     * Up to {@code limit} records, newest first. With filters, the index pages are read on until the page is full, the
     * partition ends, or the request's time runs short (a shorter page with its token, as DynamoDB's own pages are); the
     * token is the position of the last record evaluated.
     */
    public HistoryPage list(String domain, String profileId, HistoryFilter filter, int limit, String nextToken, Deadline deadline) {
        requireProfile(domain, profileId, deadline);
        String partition = StoreKeys.profileHistory(domain, profileId);
        Map<String, String> names = new HashMap<>(Map.of("#g", ProfilesTable.INDEX_PARTITION_KEY, "#s", ProfilesTable.INDEX_SORT_KEY,
                "#exp", ProfilesTable.TTL_ATTRIBUTE));
        Instant now = clock.instant();
        // Records dated later (an object's EXPIRED, dated at its expiry) have not happened yet: the key condition skips them.
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":g", s(partition), ":from", s(StoreKeys.writtenBy(now.toEpochMilli())),
                ":now", n(now.getEpochSecond())));
        // Past its expiry: gone, even before DynamoDB's TTL deletes it.
        List<String> filters = new ArrayList<>(List.of("(attribute_not_exists(#exp) OR #exp > :now)"));
        if (filter.actionType() != null) {
            filters.add("#a = :a");
            names.put("#a", History.ACTION);
            values.put(":a", s(filter.actionType().name()));
        }
        if (filter.objectTypeName() != null) {
            filters.add("#t = :t");
            names.put("#t", History.OBJECT_TYPE);
            values.put(":t", s(filter.objectTypeName()));
        }
        if (filter.performedBy() != null) {
            filters.add("#b = :b");
            names.put("#b", History.PERFORMED_BY);
            values.put(":b", s(filter.performedBy()));
        }
        List<HistoryRecord> records = new ArrayList<>();
        Map<String, AttributeValue> start = PageTokens.decode(nextToken, partition);
        do {
            QueryResponse page = calls.query(QueryRequest.builder()
                    .indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                    .keyConditionExpression("#g = :g AND #s >= :from")
                    .filterExpression(String.join(" AND ", filters))
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    // Never more evaluated than the page still needs: the token then marks exactly the last one returned.
                    .limit(limit - records.size())
                    .exclusiveStartKey(start), deadline);
            for (Map<String, AttributeValue> item : page.items()) records.add(record(item, false));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && records.size() < limit && deadline.remaining().compareTo(PAGE_TIME) > 0);
        return new HistoryPage(records, PageTokens.encode(start));
    }

    /** One record of the profile, with its content. */
    public HistoryRecord get(String domain, String profileId, String recordId, Deadline deadline) {
        List<Map<String, AttributeValue>> found = calls.batchGet(List.of(itemKey(StoreKeys.profile(domain, profileId)),
                itemKey(StoreKeys.historyRecord(domain, recordId))), deadline);
        Map<String, AttributeValue> profile = null;
        Map<String, AttributeValue> record = null;
        for (Map<String, AttributeValue> item : found) {
            if (item.get(ProfilesTable.PARTITION_KEY).s().equals(StoreKeys.profile(domain, profileId))) profile = item;
            else record = item;
        }
        if (!shown(profile, profileId)) throw ServiceException.profileNotFound(domain, profileId);
        AttributeValue expires = record == null ? null : record.get(ProfilesTable.TTL_ATTRIBUTE);
        Instant now = clock.instant();
        if (record == null || !profileId.equals(record.get(History.PROFILE_ID).s())
                || expires != null && Long.parseLong(expires.n()) <= now.getEpochSecond()
                || Long.parseLong(record.get(History.CREATED_AT).n()) > now.toEpochMilli()) {
            throw ServiceException.notFound("Profile '" + profileId + "' has no history record with Id '" + recordId + "'");
        }
        return record(record, true);
    }

    private void requireProfile(String domain, String profileId, Deadline deadline) {
        List<Map<String, AttributeValue>> found = calls.batchGet(List.of(itemKey(StoreKeys.profile(domain, profileId))), deadline);
        if (!shown(found.isEmpty() ? null : found.get(0), profileId)) throw ServiceException.profileNotFound(domain, profileId);
    }

    /** Whether readers show the profile: it exists and no recorded deletion or merge takes it away. */
    private static boolean shown(Map<String, AttributeValue> item, String profileId) {
        if (item == null) return false;
        var state = ConsistentReads.profileState(ProfileItem.SCHEMA.mapToItem(item));
        return state.op() == null || !state.op().removes(profileId);
    }

    private static HistoryRecord record(Map<String, AttributeValue> item, boolean withContent) {
        return new HistoryRecord(item.get(History.RECORD_ID).s(), item.get(History.OBJECT_TYPE).s(),
                Instant.ofEpochMilli(Long.parseLong(item.get(History.CREATED_AT).n())), HistoryAction.valueOf(item.get(History.ACTION).s()),
                string(item, History.UNIQUE_KEY), string(item, History.PERFORMED_BY), withContent ? string(item, History.CONTENT) : null);
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}

package org.openprofiles.store.read;

import org.openprofiles.store.ProfileStore.ObjectPage;
import org.openprofiles.store.ProfileStore.StoredObject;
import org.openprofiles.store.ProfileStore.StoredProfile;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.KeyItem;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** The read path's queries: who holds key values (SearchProfiles), profiles by id, a profile's objects. */
public final class ProfileQueries {
    /** Holder ids fetched per index page when a spilled value is listed. */
    static final int HOLDER_PAGE = 500;

    private final DynamoCalls calls;
    private final Clock clock;

    public ProfileQueries(DynamoCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /**
     * For each key value that exists, a source of the ascending ids of its holders after {@code after} (null: from the
     * start), in one consistent BatchGetItem of the values' items, with {@code config} (the domain's configuration item;
     * null: none): confirming the cached configuration costs no extra call. A spilled value's holders are read lazily,
     * page by page, from the index (eventually consistent, like the rest of the read path) as the caller iterates.
     */
    public Map<KeyValue, Supplier<Iterator<String>>> holders(String domain, Collection<KeyValue> keys, String after, ConfigRead config,
                                                              Deadline deadline) {
        Map<String, KeyValue> keyByPk = new LinkedHashMap<>();
        for (KeyValue key : keys) keyByPk.put(StoreKeys.keyValue(domain, key), key);
        Map<KeyValue, Supplier<Iterator<String>>> holders = new HashMap<>();
        if (keyByPk.isEmpty() && config == null) return holders;
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String pk : keyByPk.keySet()) wanted.add(itemKey(pk));
        if (config != null) wanted.add(config.startRead());
        for (Map<String, AttributeValue> item : calls.batchGet(wanted, deadline)) {
            if (config != null && config.matches(item.get(ProfilesTable.PARTITION_KEY).s())) {
                config.found(item);
                continue;
            }
            KeyItem keyItem = KeyItem.SCHEMA.mapToItem(item);
            KeyValue key = keyByPk.get(keyItem.pk());
            if (keyItem.spilled()) {
                holders.put(key, () -> new SpilledHolders(domain, key, after, deadline));
            } else {
                TreeSet<String> ids = new TreeSet<>(keyItem.profileIds());
                holders.put(key, () -> (after == null ? ids : ids.tailSet(after, false)).iterator());
            }
        }
        return holders;
    }

    /** The holders of a spilled value in id order, one index page at a time. */
    private final class SpilledHolders implements Iterator<String> {
        private final String partition;
        private final Deadline deadline;
        private Iterator<String> page = List.<String>of().iterator();
        private String last;
        private boolean exhausted;

        SpilledHolders(String domain, KeyValue key, String after, Deadline deadline) {
            this.partition = StoreKeys.holders(domain, key);
            this.last = after;
            this.deadline = deadline;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext() && !exhausted) fetch();
            return page.hasNext();
        }

        @Override
        public String next() {
            if (!hasNext()) throw new NoSuchElementException();
            last = page.next();
            return last;
        }

        private void fetch() {
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", s(partition)));
            String condition = "#pk = :p";
            if (last != null) {
                condition += " AND #sk > :after";
                values.put(":after", s(last));
            }
            QueryRequest.Builder query = QueryRequest.builder()
                    .indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                    .keyConditionExpression(condition)
                    .expressionAttributeNames(last == null
                            ? Map.of("#pk", ProfilesTable.INDEX_PARTITION_KEY)
                            : Map.of("#pk", ProfilesTable.INDEX_PARTITION_KEY, "#sk", ProfilesTable.INDEX_SORT_KEY))
                    .expressionAttributeValues(values)
                    .projectionExpression("profileId") // the id is all a search needs
                    .limit(HOLDER_PAGE);
            QueryResponse response = calls.query(query, deadline);
            List<String> ids = new ArrayList<>();
            for (Map<String, AttributeValue> item : response.items()) ids.add(item.get("profileId").s());
            page = ids.iterator();
            exhausted = !response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty();
        }
    }

    /**
     * The existing profiles among the given ids, in one consistent BatchGetItem per 100, also reading {@code config}
     * (the domain's configuration item; null: none) in the same BatchGetItem.
     */
    public Map<String, StoredProfile> profiles(String domain, Collection<String> profileIds, ConfigRead config, Deadline deadline) {
        Map<String, StoredProfile> profiles = new HashMap<>();
        if (profileIds.isEmpty() && config == null) return profiles;
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String id : new LinkedHashSet<>(profileIds)) wanted.add(itemKey(StoreKeys.profile(domain, id)));
        if (config != null) wanted.add(config.startRead());
        for (Map<String, AttributeValue> item : calls.batchGet(wanted, deadline)) {
            if (config != null && config.matches(item.get(ProfilesTable.PARTITION_KEY).s())) {
                config.found(item);
                continue;
            }
            Map<String, String> fields = ProfileItem.readableFields(item);
            // Once a DeleteProfile or MergeProfiles closed it, the profile is gone for readers (its data may still be on the way out).
            if (fields == null) continue;
            String profileId = item.get(ProfileItem.PROFILE_ID).s();
            profiles.put(profileId, new StoredProfile(profileId, fields));
        }
        return profiles;
    }

    /**
     * One page of a profile's objects of one type, from the index (eventually consistent, like
     * the AWS service). With {@code anyOf}, only objects holding one of those key values.
     */
    public ObjectPage objects(String domain, String profileId, String objectTypeName, Collection<KeyValue> anyOf,
                              int limit, String nextToken, Deadline deadline) {
        String partition = StoreKeys.profileObjects(domain, profileId, objectTypeName);
        Map<String, String> names = new HashMap<>(Map.of("#gsi1pk", ProfilesTable.INDEX_PARTITION_KEY));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":partition", s(partition)));
        QueryRequest.Builder query = QueryRequest.builder()
                .indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                .keyConditionExpression("#gsi1pk = :partition")
                .limit(limit)
                .exclusiveStartKey(PageTokens.decode(nextToken, partition));
        if (anyOf != null && !anyOf.isEmpty()) {
            List<String> terms = new ArrayList<>();
            int i = 0;
            for (KeyValue key : anyOf) {
                terms.add("contains(#objectKeys, :k" + i + ")");
                values.put(":k" + i, s(StoreKeys.keyValueEntry(key)));
                i++;
            }
            names.put("#objectKeys", "objectKeys");
            query.filterExpression(String.join(" OR ", terms));
        }
        QueryResponse page = calls.query(query.expressionAttributeNames(names).expressionAttributeValues(values), deadline);
        long now = clock.instant().getEpochSecond();
        List<StoredObject> objects = new ArrayList<>();
        for (Map<String, AttributeValue> attributes : page.items()) {
            ObjectItem item = ObjectItem.SCHEMA.mapToItem(attributes);
            if (item.expiredAt(now)) continue;
            objects.add(new StoredObject(item.objectTypeName(), item.uniqueKey(), item.profileId(), item.object()));
        }
        return new ObjectPage(objects, PageTokens.encode(page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null));
    }
}

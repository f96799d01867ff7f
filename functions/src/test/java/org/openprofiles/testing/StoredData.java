package org.openprofiles.testing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.ProfileStore.StoredObject;
import org.openprofiles.store.ProfileStore.StoredProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What the table holds, read directly (strongly consistent) for assertions: test code only. */
public record StoredData(DynamoDbClient client, String table) {

    /** Every profile holding a key value, inline or spilled into holder items. */
    public Set<String> profilesWithKey(String domain, KeyValue key) {
        Map<String, AttributeValue> item = get(StoreKeys.keyValue(domain, key));
        if (item == null) return Set.of();
        if (!item.containsKey("spilled")) return Set.copyOf(item.get("profileIds").ss());
        Set<String> holders = new HashSet<>();
        client.queryPaginator(r -> r.tableName(table).indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                        .keyConditionExpression("#p = :p")
                        .expressionAttributeNames(Map.of("#p", ProfilesTable.INDEX_PARTITION_KEY))
                        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(StoreKeys.holders(domain, key)))))
                .items().forEach(holder -> holders.add(holder.get("profileId").s()));
        return holders;
    }

    /** Whether a key value's holders have spilled out of its item into holder items. */
    public boolean spilled(String domain, KeyValue key) {
        Map<String, AttributeValue> item = get(StoreKeys.keyValue(domain, key));
        return item != null && item.containsKey("spilled");
    }

    public Optional<StoredProfile> profile(String domain, String profileId) {
        Map<String, AttributeValue> item = get(StoreKeys.profile(domain, profileId));
        if (item == null) return Optional.empty();
        Map<String, String> fields = new HashMap<>();
        if (item.containsKey("fields")) item.get("fields").m().forEach((name, value) -> fields.put(name, value.s()));
        return Optional.of(new StoredProfile(item.get("profileId").s(), fields));
    }

    public Optional<StoredObject> object(String domain, String objectTypeName, String uniqueKey) {
        Map<String, AttributeValue> item = get(StoreKeys.object(domain, objectTypeName, uniqueKey));
        if (item == null) return Optional.empty();
        AttributeValue profileId = item.get("profileId");
        return Optional.of(new StoredObject(item.get("objectTypeName").s(), item.get("uniqueKey").s(),
                profileId == null ? null : profileId.s(), item.get("object").s()));
    }

    private Map<String, AttributeValue> get(String pk) {
        var response = client.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(ProfilesTable.PARTITION_KEY, AttributeValue.fromS(pk))));
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }
}

package org.openprofiles.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Single items of one domain in a test table, read strongly consistently by the item formats of
 * docs/data-model.md only (never the store's classes), straight from DynamoDB Local: what a random
 * history peeks at right before and right after a call, to see what the call itself changed.
 */
public final class TableItems {
    /** What {@link #objectOn} answers for an object that exists on no profile (unattached). */
    public static final String UNATTACHED = "(unattached)";

    private final DynamoDbClient client;
    private final String table;
    private final String domain;

    public TableItems(DynamoDbClient client, String table, String domain) {
        this.client = client;
        this.table = table;
        this.domain = domain;
    }

    /** The profile object {@code D#<domain>#O#<type>#<uniqueKey>} is on: its id, {@link #UNATTACHED}, or empty when it does not exist. */
    public Set<String> objectOn(String type, String uniqueKey) {
        Map<String, AttributeValue> item = get("D#" + domain + "#O#" + type + "#" + uniqueKey);
        if (item == null) return Set.of();
        return Set.of(item.containsKey("profileId") ? item.get("profileId").s() : UNATTACHED);
    }

    /**
     * The profiles key value {@code D#<domain>#K#<keyName>#<value>} names (value normalised as
     * stored); empty when the item does not exist, null when its holders are spilled into holder items.
     */
    public Set<String> holders(String keyName, String value) {
        Map<String, AttributeValue> item = get("D#" + domain + "#K#" + keyName + "#" + value);
        if (item == null) return Set.of();
        if (item.containsKey("spilled") && Boolean.TRUE.equals(item.get("spilled").bool())) return null;
        return item.containsKey("profileIds") ? Set.copyOf(item.get("profileIds").ss()) : Set.of();
    }

    /** Those of {@code ids} whose profile item ({@code D#<domain>#P#<id>}) exists, in one BatchGetItem. */
    public Set<String> existing(Collection<String> ids) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) keys.add(Map.of("pk", AttributeValue.fromS("D#" + domain + "#P#" + id)));
        Set<String> found = new HashSet<>();
        Map<String, KeysAndAttributes> wanted = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        while (!wanted.isEmpty() && !wanted.get(table).keys().isEmpty()) {
            Map<String, KeysAndAttributes> request = wanted;
            var response = client.batchGetItem(r -> r.requestItems(request));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                found.add(item.get("profileId").s());
            }
            wanted = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return found;
    }

    private Map<String, AttributeValue> get(String pk) {
        var response = client.getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }
}

package org.openprofiles.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.store.config.ConfigItems;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads a whole test table and checks the store's invariants: every key value is held only by
 * profiles that exist (inline or as spilled holder items), and every attached object's profile
 * exists, and a shard of a profile that is gone holds nothing but a bare marker. Counts items by kind
 * (holder items count as key items).
 */
public record TableContents(int profiles, int keyValues, int objects) {

    public static TableContents checked(DynamoDbClient client, String table) {
        List<Map<String, AttributeValue>> items = client.scanPaginator(r -> r.tableName(table).consistentRead(true))
                .items().stream().toList();
        Set<String> profileIds = new HashSet<>();
        Map<String, Integer> kinds = new HashMap<>();
        for (Map<String, AttributeValue> item : items) {
            String kind = kind(item.get("pk").s());
            kinds.merge(kind, 1, Integer::sum);
            if (kind.equals("P")) profileIds.add(item.get("profileId").s());
        }
        for (Map<String, AttributeValue> item : items) {
            String kind = kind(item.get("pk").s());
            if (kind.equals("K") && item.containsKey("profileIds")) {
                for (String id : item.get("profileIds").ss()) {
                    assertTrue(profileIds.contains(id), "key value " + item.get("pk").s() + " held by missing profile " + id);
                }
            } else if (kind.equals("K") && !item.containsKey("keyName")) {
                throw new AssertionError("key item without its name: " + item.get("pk").s());
            } else if (kind.equals("K") && item.get("pk").s().contains("#H#")) {
                assertTrue(profileIds.contains(item.get("profileId").s()), "spilled holder " + item.get("pk").s() + " of a missing profile");
            } else if (kind.equals("S")) {
                String owner = item.get("pk").s().split("#")[3];
                // A shard of a profile that is gone is a bare marker: the id, the operation, an expiry; no membership left.
                assertTrue(profileIds.contains(owner) || item.containsKey("expiresAt") && item.containsKey("closedBy")
                        && !item.containsKey("objects") && !item.containsKey("claims"), "shard " + item.get("pk").s() + " of a missing profile: "
                        + item.keySet());
            } else if (kind.equals("O") && item.containsKey("profileId")) {
                assertTrue(profileIds.contains(item.get("profileId").s()), "object " + item.get("pk").s() + " on a missing profile");
            }
        }
        return new TableContents(kinds.getOrDefault("P", 0), kinds.getOrDefault("K", 0), kinds.getOrDefault("O", 0));
    }

    /** The kind letter of a pk: D#<domain>#<kind>#...; "CONFIG" for the configuration's items (no profile data). */
    private static String kind(String pk) {
        if (pk.startsWith(ConfigItems.PREFIX)) return "CONFIG";
        String[] parts = pk.split("#", 4);
        return parts[2];
    }
}

package org.openprofiles.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One strongly consistent scan of a test table, read by the item formats of docs/data-model.md only
 * (never the store's classes): profiles, key value holders (inline or spilled), objects, and the
 * profiles' shards (membership and close marks), profile history records. For invariant checks that must survive changes of the store's protocol.
 */
public final class TableScan {
    /** An item that names a profile whose item does not exist. */
    public record Dangling(String pk, String profileId, String why) {
        @Override
        public String toString() {
            return pk + ": " + why + " " + profileId;
        }
    }

    /** A profile object item, with its expiry (epoch seconds) and the id of the record that ends it on its profile. */
    public record ObjectRow(String pk, String uniqueKey, String profileId, String object, Set<String> objectKeys, Long expiresAt,
                            String endRecord) {}

    /**
     * A profile history record: the profile it is listed under, what it records, about which object (null: the
     * profile), and the JSON it keeps (null: none).
     */
    public record HistoryRow(String pk, String recordId, String profileId, String actionType, String objectTypeName, String uniqueKey,
                             String content, long createdAt) {}

    /** What a shard of a profile that is gone may hold (a bare marker): its id, the operation, its expiry and (merged) the main profile. */
    public static final Set<String> CLOSED_GATE = Set.of("pk", "profileId", "expiresAt", "mergedInto", "closedBy", "closedAt", "n");

    public final List<Map<String, AttributeValue>> items;
    /** Ids of the profile items. */
    public final Set<String> profiles = new HashSet<>();
    /** {@code keyName#value} → the profiles holding it. */
    public final Map<String, Set<String>> holders = new HashMap<>();
    public final List<ObjectRow> objects = new ArrayList<>();
    public final List<HistoryRow> history = new ArrayList<>();
    /** Profile id → the main profiles its shards name ({@code mergedInto}). */
    public final Map<String, Set<String>> mergedInto = new HashMap<>();
    /** Profiles with a closed shard (one with {@code closedBy}): DeleteProfile or MergeProfiles began closing them. */
    public final Set<String> closed = new HashSet<>();

    private TableScan(List<Map<String, AttributeValue>> items) {
        this.items = items;
        for (Map<String, AttributeValue> item : items) {
            String kind = kind(item);
            if (kind.equals("P")) profiles.add(item.get("profileId").s());
            if (kind.equals("K")) {
                String key = item.get("keyName").s() + "#" + item.get("keyValue").s();
                Set<String> ids = holders.computeIfAbsent(key, k -> new HashSet<>());
                if (item.containsKey("profileIds")) ids.addAll(item.get("profileIds").ss());
                if (item.containsKey("profileId")) ids.add(item.get("profileId").s()); // a holder item of a spilled value
            }
            if (kind.equals("O")) {
                objects.add(new ObjectRow(pk(item), item.get("uniqueKey").s(), string(item, "profileId"), string(item, "object"),
                        item.containsKey("objectKeys") ? Set.copyOf(item.get("objectKeys").ss()) : Set.of(),
                        item.containsKey("expiresAt") ? Long.valueOf(item.get("expiresAt").n()) : null, string(item, "endRecord")));
            }
            if (kind.equals("H")) {
                history.add(new HistoryRow(pk(item), string(item, "recordId"), string(item, "profileId"), string(item, "actionType"),
                        string(item, "objectTypeName"), string(item, "uniqueKey"), string(item, "content"), Long.parseLong(item.get("createdAt").n())));
            }
            if (kind.equals("S") && item.containsKey("closedBy")) closed.add(idIn(item));
            if (kind.equals("S") && item.containsKey("mergedInto")) {
                mergedInto.computeIfAbsent(idIn(item), k -> new HashSet<>()).add(item.get("mergedInto").s());
            }
        }
    }

    public static TableScan of(DynamoDbClient client, String table) {
        return new TableScan(client.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream().toList());
    }

    /** The profiles holding a key value (normalised as stored). */
    public Set<String> holders(String keyName, String value) {
        return holders.getOrDefault(keyName + "#" + value, Set.of());
    }

    /**
     * Items that name a profile whose item does not exist (objects excepted: the caller judges those):
     * a key value or holder item listing it, a shard of it that is more than a bare marker
     * ({@link #CLOSED_GATE} with an expiry).
     */
    public List<Dangling> dangling() {
        List<Dangling> found = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            switch (kind(item)) {
                case "K" -> {
                    for (String id : item.containsKey("profileIds") ? item.get("profileIds").ss() : List.<String>of()) {
                        if (!profiles.contains(id)) found.add(new Dangling(pk(item), id, "key value lists missing profile"));
                    }
                    if (item.containsKey("profileId") && !profiles.contains(item.get("profileId").s())) {
                        found.add(new Dangling(pk(item), item.get("profileId").s(), "holder item of missing profile"));
                    }
                }
                case "S" -> {
                    if (!profiles.contains(idIn(item)) && !(CLOSED_GATE.containsAll(item.keySet()) && item.containsKey("expiresAt"))) {
                        found.add(new Dangling(pk(item), idIn(item), "shard holding " + item.keySet() + " of missing profile"));
                    }
                }
                case "H" -> {
                    String id = string(item, "profileId");
                    if (!profiles.contains(id)) found.add(new Dangling(pk(item), id, "history record listed under missing profile"));
                }
                default -> { }
            }
        }
        return found;
    }

    /**
     * Items whose text holds {@code text} (case-insensitive), bare shard markers ({@link #CLOSED_GATE})
     * (of any profile: a merged profile's marker names its main profile) and history records excepted (a merged
     * profile's history lives on under its main profile; records are checked by {@link #history} and {@link #dangling}).
     * Each as "pk: item".
     */
    public List<String> mentioning(String text) {
        String needle = text.toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            if (kind(item).equals("S") && CLOSED_GATE.containsAll(item.keySet()) && item.containsKey("expiresAt")) continue;
            if (kind(item).equals("H")) continue;
            if (item.toString().toLowerCase(Locale.ROOT).contains(needle)) found.add(pk(item) + ": " + item);
        }
        return found;
    }

    private static String pk(Map<String, AttributeValue> item) {
        return item.get("pk").s();
    }

    /** The kind letter of {@code D#<domain>#<kind>#...}. */
    private static String kind(Map<String, AttributeValue> item) {
        String[] parts = pk(item).split("#", 4);
        return parts.length > 2 ? parts[2] : "";
    }

    /** The profile id of {@code D#<domain>#S#<profileId>#<shard>}. */
    private static String idIn(Map<String, AttributeValue> item) {
        return pk(item).split("#")[3];
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}

package org.openprofiles.prodlike;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Item identity: the caller's database (access key and region, as DynamoDB Local keeps one per
 * pair unless started with -sharedDb), the table name as written in the request, and the primary
 * key attribute values. A Key map is the primary key already; for an Item (Put, PutItem, a batch
 * PutRequest, an item of a Query or Scan answer on an index, which always projects the table's key)
 * the key attribute names come from the table's key schema, asked of the upstream with
 * DescribeTable once per table and cached.
 */
final class ItemKeys {
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]*/([^/]+)/");

    /** One item in one database; {@code key} is canonical: attributes sorted by name, numbers normalised. */
    record ItemId(String database, String table, String key) {}

    /** Asks the upstream for a table's key attribute names; null when it cannot say. */
    interface KeySchemaSource {
        List<String> keyAttributes(String table, HttpWire.Request origin);
    }

    private final ConcurrentMap<String, List<String>> schemas = new ConcurrentHashMap<>();
    private final KeySchemaSource source;

    ItemKeys(KeySchemaSource source) {
        this.source = source;
    }

    static String database(HttpWire.Request request) {
        String authorization = request.header("Authorization");
        if (authorization == null) return "";
        Matcher matcher = CREDENTIAL.matcher(authorization);
        return matcher.find() ? matcher.group(1) + "/" + matcher.group(2) : "";
    }

    /** The item a Key map names; null if the map is missing or malformed (the upstream will say why). */
    ItemId fromKey(String database, String table, JsonNode key) {
        Map<String, JsonNode> attributes = Json.object(key);
        if (table == null || attributes == null || attributes.isEmpty()) return null;
        return id(database, table, new ArrayList<>(attributes.keySet()), attributes);
    }

    /** The item a BatchWriteItem write request (PutRequest or DeleteRequest) of {@code table} writes; null if malformed. */
    ItemId fromBatchWrite(JsonNode write, String table, String database, HttpWire.Request request) {
        JsonNode put = Json.field(write, "PutRequest").orElse(null);
        JsonNode delete = Json.field(write, "DeleteRequest").orElse(null);
        return put != null ? fromItem(database, table, Json.field(put, "Item").orElse(null), request)
                : delete != null ? fromKey(database, table, Json.field(delete, "Key").orElse(null))
                : null;
    }

    /** The item a full Item map writes; null if the key schema or a key attribute is missing. */
    ItemId fromItem(String database, String table, JsonNode item, HttpWire.Request origin) {
        Map<String, JsonNode> attributes = Json.object(item);
        if (table == null || attributes == null) return null;
        List<String> keyNames = keyNames(database, table, origin);
        if (keyNames == null) return null;
        return id(database, table, new ArrayList<>(keyNames), attributes);
    }

    /** The table's key attribute names, asked of the upstream once; null when it cannot say. */
    List<String> keyNames(String database, String table, HttpWire.Request origin) {
        if (table == null) return null;
        List<String> keyNames = schemas.get(database + "\u0000" + table);
        if (keyNames == null) {
            keyNames = source.keyAttributes(table, origin);
            if (keyNames == null || keyNames.isEmpty()) return null;
            keyNames = List.copyOf(keyNames);
            schemas.putIfAbsent(database + "\u0000" + table, keyNames);
        }
        return keyNames;
    }

    private static ItemId id(String database, String table, List<String> names, Map<String, JsonNode> attributes) {
        names.sort(null);
        StringBuilder key = new StringBuilder();
        for (String name : names) {
            String value = canonical(attributes.get(name));
            if (value == null) return null;
            key.append(name).append('\u0000').append(value).append('\u0001');
        }
        return new ItemId(database, table, key.toString());
    }

    /** {"S":"x"} as S:x; {"N":"1.50"} and {"N":"1.5"} alike; null for anything a key cannot be. */
    private static String canonical(JsonNode value) {
        Map<String, JsonNode> typed = Json.object(value);
        if (typed == null || typed.size() != 1) return null;
        Map.Entry<String, JsonNode> only = typed.entrySet().iterator().next();
        String text = Json.string(only.getValue());
        if (text == null) return null;
        switch (only.getKey()) {
            case "S", "B":
                return only.getKey() + ":" + text;
            case "N":
                try {
                    BigDecimal number = new BigDecimal(text.trim());
                    return "N:" + (number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString());
                } catch (NumberFormatException e) {
                    return null;
                }
            default:
                return null;
        }
    }
}

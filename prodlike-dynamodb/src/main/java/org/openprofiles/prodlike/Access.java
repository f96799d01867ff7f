package org.openprofiles.prodlike;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * One thing a call asks IAM to allow, as DynamoDB's authorisation sees it: an action on a table or one of its indexes,
 * with the partition key values of the items it names ({@code dynamodb:LeadingKeys}). A TransactWriteItems asks for
 * each of its actions (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), a TransactGetItems for GetItem.
 *
 * <p>A call is made in a role when its client sends the {@value #ROLE_HEADER} header (a test's client for one function;
 * production clients never send it); a call without it is not checked. See {@link ProductionLikeDynamo#checkAccess}.
 *
 * @param role        the caller's role, from {@value #ROLE_HEADER}
 * @param action      IAM's name for it, e.g. {@code dynamodb:PutItem}
 * @param index       the index a Query or Scan reads, null for the table
 * @param leadingKeys the partition key values of the items named; empty for a Scan (none, as IAM sees it); null for a
 *                    Query, whose key condition this proxy does not resolve (only a right on any item allows it)
 */
public record Access(String role, String action, String table, String index, Set<String> leadingKeys) {
    /** The header naming the role a test's client calls in. */
    public static final String ROLE_HEADER = "X-Prodlike-Role";

    /** The accesses a call asks for, by action and table; empty when the body cannot be read (the upstream will say why). */
    static List<Access> of(HttpWire.Request request, String operation, JsonNode body, ItemKeys keys) {
        String role = request.header(ROLE_HEADER);
        String database = ItemKeys.database(request);
        Map<List<String>, Set<String>> named = new LinkedHashMap<>();
        List<Access> accesses = new ArrayList<>();
        switch (operation) {
            case "GetItem", "PutItem", "UpdateItem", "DeleteItem" -> {
                String table = Json.string(Json.field(body, "TableName").orElse(null));
                JsonNode item = Json.field(body, operation.equals("PutItem") ? "Item" : "Key").orElse(null);
                add(named, operation, table, leadingKey(keys, database, table, item, request));
            }
            case "BatchGetItem", "BatchWriteItem" -> {
                Map<String, JsonNode> tables = Json.object(Json.field(body, "RequestItems").orElse(null));
                if (tables != null) tables.forEach((table, requested) -> {
                    List<JsonNode> items = operation.equals("BatchGetItem") ? Json.array(Json.field(requested, "Keys").orElse(null)) : Json.array(requested);
                    add(named, operation, table, null);
                    if (items != null) for (JsonNode item : items) {
                        JsonNode key = operation.equals("BatchGetItem") ? item : batchWritten(item);
                        add(named, operation, table, leadingKey(keys, database, table, key, request));
                    }
                });
            }
            case "TransactWriteItems", "TransactGetItems" -> {
                List<JsonNode> actions = Json.array(Json.field(body, "TransactItems").orElse(null));
                if (actions != null) for (JsonNode element : actions) {
                    Map<String, JsonNode> only = Json.object(element);
                    if (only == null || only.size() != 1) continue;
                    Map.Entry<String, JsonNode> kind = only.entrySet().iterator().next();
                    String table = Json.string(Json.field(kind.getValue(), "TableName").orElse(null));
                    String action = switch (kind.getKey()) {
                        case "Put" -> "PutItem";
                        case "Update" -> "UpdateItem";
                        case "Delete" -> "DeleteItem";
                        case "ConditionCheck" -> "ConditionCheckItem";
                        default -> "GetItem";
                    };
                    JsonNode item = Json.field(kind.getValue(), kind.getKey().equals("Put") ? "Item" : "Key").orElse(null);
                    add(named, action, table, leadingKey(keys, database, table, item, request));
                }
            }
            case "Query", "Scan" -> {
                String table = Json.string(Json.field(body, "TableName").orElse(null));
                String index = Json.string(Json.field(body, "IndexName").orElse(null));
                accesses.add(new Access(role, "dynamodb:" + operation, table, index, operation.equals("Scan") ? Set.of() : null));
            }
            default -> accesses.add(new Access(role, "dynamodb:" + operation, null, null, Set.of()));
        }
        named.forEach((actionAndTable, leading) ->
                accesses.add(new Access(role, actionAndTable.get(0), actionAndTable.get(1), null, Collections.unmodifiableSet(leading))));
        return accesses;
    }

    /** The table, or "T/index/I", as a denial names it (no item: AWS's message names none, and keys can hold customer data). */
    public String resource() {
        return "table/" + table + (index == null ? "" : "/index/" + index);
    }

    /** The access with the items it names, for the test that set the rights: {@code dynamodb:PutItem on table/T for items [...]}. */
    public String describe() {
        return action + " on " + resource() + (leadingKeys == null ? "" : " for items " + leadingKeys);
    }

    private static void add(Map<List<String>, Set<String>> named, String operation, String table, String leadingKey) {
        Set<String> leading = named.computeIfAbsent(List.of("dynamodb:" + operation, String.valueOf(table)), k -> new LinkedHashSet<>());
        if (leadingKey != null) leading.add(leadingKey);
    }

    private static JsonNode batchWritten(JsonNode write) {
        JsonNode put = Json.field(write, "PutRequest").orElse(null);
        if (put != null) return Json.field(put, "Item").orElse(null);
        return Json.field(Json.field(write, "DeleteRequest").orElse(null), "Key").orElse(null);
    }

    /** The item's partition key value (the table's first key attribute, as DescribeTable lists HASH first); null if unknown. */
    private static String leadingKey(ItemKeys keys, String database, String table, JsonNode item, HttpWire.Request request) {
        Map<String, JsonNode> attributes = Json.object(item);
        List<String> keyNames = keys.keyNames(database, table, request);
        if (attributes == null || keyNames == null) return null;
        Map<String, JsonNode> typed = Json.object(attributes.get(keyNames.get(0)));
        return typed == null || typed.size() != 1 ? null : Json.string(typed.values().iterator().next());
    }
}

package org.openprofiles.prodlike;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** What the read rules share: how a read asks (consistency, table, projection) and the version of an item it shows instead. */
final class Reads {
    private Reads() {}

    /** The version of an item a read shows instead of the upstream's: {@code item} null means none. */
    record Older(JsonNode item) {}

    static boolean consistent(JsonNode spec) {
        JsonNode consistent = Json.field(spec, "ConsistentRead").orElse(null);
        return consistent != null && consistent.isBoolean() && consistent.asBoolean();
    }

    static String tableOf(JsonNode node) {
        return Json.string(Json.field(node, "TableName").orElse(null));
    }

    /**
     * The item as JSON with only the top-level attributes that {@code spec}'s ProjectionExpression
     * (or AttributesToGet) names, all of them without either. A nested path (a.b, a[0]) keeps its
     * whole top-level attribute.
     */
    static String project(JsonNode item, JsonNode spec) {
        Set<String> names = projectedNames(spec);
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, JsonNode> attribute : item.asObject().entrySet()) {
            if (names != null && !names.contains(attribute.getKey())) continue;
            if (out.length() > 1) out.append(',');
            Json.quote(attribute.getKey(), out);
            out.append(':');
            Json.write(attribute.getValue(), out);
        }
        return out.append('}').toString();
    }

    /** The top-level attribute names a projection keeps; null when there is none (everything). */
    static Set<String> projectedNames(JsonNode spec) {
        String expression = Json.string(Json.field(spec, "ProjectionExpression").orElse(null));
        Set<String> names = new HashSet<>();
        if (expression != null) {
            Map<String, JsonNode> aliases = Json.object(Json.field(spec, "ExpressionAttributeNames").orElse(null));
            for (String path : expression.split(",")) {
                String top = path.trim().split("[.\\[]", 2)[0].trim();
                String alias = aliases == null ? null : Json.string(aliases.get(top));
                names.add(alias != null ? alias : top);
            }
            return names;
        }
        List<JsonNode> attributesToGet = Json.array(Json.field(spec, "AttributesToGet").orElse(null));
        if (attributesToGet == null) return null;
        for (JsonNode name : attributesToGet) names.add(Json.string(name));
        return names;
    }
}

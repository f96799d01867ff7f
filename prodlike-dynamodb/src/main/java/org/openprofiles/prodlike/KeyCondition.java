package org.openprofiles.prodlike;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * A Query's KeyConditionExpression as a test of an item, for the index lag to tell whether an
 * item's older version belongs in a query's answer. A key condition is small: a partition key
 * equality, optionally AND one sort key comparison ({@code = < <= > >=}, {@code BETWEEN :a AND :b},
 * {@code begins_with(name, :v)}), parentheses for grouping only.
 */
final class KeyCondition {
    private static final Pattern TOKEN = Pattern.compile("\\s*(<=|>=|[=<>(),]|[^\\s=<>(),]+)");

    private KeyCondition() {}

    /** The test the request's KeyConditionExpression makes; null when there is none or it cannot be read. */
    static Predicate<JsonNode> of(JsonNode request) {
        String expression = Json.string(Json.field(request, "KeyConditionExpression").orElse(null));
        if (expression == null) return null;
        Map<String, JsonNode> names = Json.object(Json.field(request, "ExpressionAttributeNames").orElse(null));
        Map<String, JsonNode> values = Json.object(Json.field(request, "ExpressionAttributeValues").orElse(null));
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(expression);
        while (matcher.lookingAt()) {
            String token = matcher.group(1);
            // Without OR or NOT, parentheses only group; commas only separate begins_with's arguments.
            if (!token.equals("(") && !token.equals(")") && !token.equals(",")) tokens.add(token);
            matcher.region(matcher.end(), expression.length());
        }
        if (!expression.substring(matcher.regionStart()).isBlank()) return null;
        try {
            Predicate<JsonNode> all = item -> true;
            int i = 0;
            while (i < tokens.size()) {
                Predicate<JsonNode> condition;
                if (tokens.get(i).equalsIgnoreCase("begins_with")) {
                    condition = beginsWith(name(tokens.get(i + 1), names), value(tokens.get(i + 2), values));
                    i += 3;
                } else if (tokens.get(i + 1).equalsIgnoreCase("BETWEEN")) {
                    if (!tokens.get(i + 3).equalsIgnoreCase("AND")) return null;
                    String name = name(tokens.get(i), names);
                    JsonNode low = value(tokens.get(i + 2), values);
                    JsonNode high = value(tokens.get(i + 4), values);
                    condition = compared(name, low, c -> c >= 0).and(compared(name, high, c -> c <= 0));
                    i += 5;
                } else {
                    String name = name(tokens.get(i), names);
                    JsonNode value = value(tokens.get(i + 2), values);
                    condition = switch (tokens.get(i + 1)) {
                        case "=" -> compared(name, value, c -> c == 0);
                        case "<" -> compared(name, value, c -> c < 0);
                        case "<=" -> compared(name, value, c -> c <= 0);
                        case ">" -> compared(name, value, c -> c > 0);
                        case ">=" -> compared(name, value, c -> c >= 0);
                        default -> throw new IllegalArgumentException(tokens.get(i + 1));
                    };
                    i += 3;
                }
                all = all.and(condition);
                if (i < tokens.size() && !tokens.get(i++).equalsIgnoreCase("AND")) return null;
            }
            return all;
        } catch (IndexOutOfBoundsException | IllegalArgumentException unreadable) {
            return null;
        }
    }

    private static String name(String token, Map<String, JsonNode> names) {
        if (!token.startsWith("#")) return token;
        String name = names == null ? null : Json.string(names.get(token));
        if (name == null) throw new IllegalArgumentException("no name for " + token);
        return name;
    }

    private static JsonNode value(String token, Map<String, JsonNode> values) {
        JsonNode value = values == null ? null : values.get(token);
        if (value == null) throw new IllegalArgumentException("no value for " + token);
        return value;
    }

    private interface Outcome {
        boolean test(int comparison);
    }

    private static Predicate<JsonNode> compared(String name, JsonNode value, Outcome outcome) {
        return item -> {
            Integer comparison = compare(Json.field(item, name).orElse(null), value);
            return comparison != null && outcome.test(comparison);
        };
    }

    private static Predicate<JsonNode> beginsWith(String name, JsonNode prefix) {
        return item -> {
            byte[][] both = bytes(Json.field(item, name).orElse(null), prefix);
            return both != null && both[0].length >= both[1].length
                    && Arrays.equals(both[0], 0, both[1].length, both[1], 0, both[1].length);
        };
    }

    /** DynamoDB's order: numbers by value, strings and binaries by unsigned bytes (UTF-8); null if the types differ. */
    static Integer compare(JsonNode attribute, JsonNode value) {
        Map.Entry<String, String> a = typed(attribute);
        Map.Entry<String, String> b = typed(value);
        if (a == null || b == null || !a.getKey().equals(b.getKey())) return null;
        if (a.getKey().equals("N")) return new BigDecimal(a.getValue()).compareTo(new BigDecimal(b.getValue()));
        byte[][] both = bytes(attribute, value);
        return both == null ? null : Arrays.compareUnsigned(both[0], both[1]);
    }

    private static byte[][] bytes(JsonNode attribute, JsonNode value) {
        Map.Entry<String, String> a = typed(attribute);
        Map.Entry<String, String> b = typed(value);
        if (a == null || b == null || !a.getKey().equals(b.getKey())) return null;
        return switch (a.getKey()) {
            case "S" -> new byte[][] {a.getValue().getBytes(StandardCharsets.UTF_8), b.getValue().getBytes(StandardCharsets.UTF_8)};
            case "B" -> new byte[][] {Base64.getDecoder().decode(a.getValue()), Base64.getDecoder().decode(b.getValue())};
            default -> null;
        };
    }

    /** {"S":"x"} as S=x; null for anything but one S, N or B. */
    private static Map.Entry<String, String> typed(JsonNode attribute) {
        Map<String, JsonNode> typed = Json.object(attribute);
        if (typed == null || typed.size() != 1) return null;
        Map.Entry<String, JsonNode> only = typed.entrySet().iterator().next();
        String text = Json.string(only.getValue());
        return text == null || !List.of("S", "N", "B").contains(only.getKey()) ? null : Map.entry(only.getKey(), text);
    }
}

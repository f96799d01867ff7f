package org.openprofiles.prodlike;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/** Parsing with the SDK's own JsonNode, and the small writer it lacks (its toString does not escape control characters). */
final class Json {
    private static final JsonNodeParser PARSER = JsonNodeParser.create();

    private Json() {}

    /** The body as a JSON object, or null if it is not one (the upstream then answers as it would). */
    static JsonNode parseObject(byte[] body) {
        if (body == null || body.length == 0) return null;
        try {
            JsonNode node = PARSER.parse(body);
            return node.isObject() ? node : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    static Optional<JsonNode> field(JsonNode node, String name) {
        return node != null && node.isObject() ? Optional.ofNullable(node.asObject().get(name)) : Optional.empty();
    }

    static Map<String, JsonNode> object(JsonNode node) {
        return node != null && node.isObject() ? node.asObject() : null;
    }

    static List<JsonNode> array(JsonNode node) {
        return node != null && node.isArray() ? node.asArray() : null;
    }

    static String string(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }

    static byte[] bytes(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull()) {
            out.append("null");
        } else if (node.isString()) {
            quote(node.asString(), out);
        } else if (node.isNumber()) {
            out.append(node.asNumber());
        } else if (node.isBoolean()) {
            out.append(node.asBoolean());
        } else if (node.isArray()) {
            out.append('[');
            boolean first = true;
            for (JsonNode element : node.asArray()) {
                if (!first) out.append(',');
                first = false;
                write(element, out);
            }
            out.append(']');
        } else if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> member : node.asObject().entrySet()) {
                if (!first) out.append(',');
                first = false;
                quote(member.getKey(), out);
                out.append(':');
                write(member.getValue(), out);
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + node);
        }
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        quote(text, out);
        return out.toString();
    }

    static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}

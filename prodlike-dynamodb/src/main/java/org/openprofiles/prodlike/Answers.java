package org.openprofiles.prodlike;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The bodies the proxy answers itself or rewrites, as DynamoDB writes them (JSON 1.0, its error
 * types, its headers): a rewritten body needs its own x-amz-crc32, which the SDK checks.
 */
final class Answers {
    static final String JSON_1_0 = "application/x-amz-json-1.0";
    static final String DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#";

    private Answers() {}

    /** 400 TransactionCanceledException: {@code code} for the flagged actions, None for the others, in request order. */
    static HttpWire.Response cancelled(boolean[] flagged, String code, String message) {
        List<String> codes = new ArrayList<>();
        StringBuilder reasons = new StringBuilder("[");
        for (int i = 0; i < flagged.length; i++) {
            if (i > 0) reasons.append(',');
            if (flagged[i]) {
                codes.add(code);
                reasons.append("{\"Code\":\"").append(code).append("\",\"Message\":").append(Json.quote(message)).append('}');
            } else {
                codes.add("None");
                reasons.append("{\"Code\":\"None\"}");
            }
        }
        reasons.append(']');
        return error("{\"__type\":\"" + DYNAMODB_ERROR + "TransactionCanceledException\","
                + "\"Message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons "
                + codes + "\",\"CancellationReasons\":" + reasons + "}");
    }

    static HttpWire.Response error(String body) {
        return json(400, body);
    }

    static HttpWire.Response json(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<Map.Entry<String, String>> headers = List.of(
                Map.entry("Server", "Server"),
                Map.entry("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))),
                Map.entry("Content-Type", JSON_1_0),
                Map.entry("x-amzn-RequestId", requestId()),
                Map.entry("x-amz-crc32", crc32(bytes)));
        return new HttpWire.Response(status, headers, bytes);
    }

    private static String requestId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder id = new StringBuilder(52);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 52; i++) id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return id.toString();
    }

    private static String crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return Long.toString(crc.getValue());
    }

    /** The upstream's 200 answer with a new body; its x-amz-crc32 must be the new body's, or the SDK rejects the response. */
    static HttpWire.Response rewritten(HttpWire.Response upstreamAnswer, StringBuilder body) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> header : upstreamAnswer.headers()) {
            if (!header.getKey().equalsIgnoreCase("x-amz-crc32")) headers.add(header);
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        headers.add(Map.entry("x-amz-crc32", crc32(bytes)));
        return new HttpWire.Response(200, headers, bytes);
    }

    static void writeRequestItems(Map<String, List<JsonNode>> items, StringBuilder out) {
        out.append('{');
        boolean firstTable = true;
        for (Map.Entry<String, List<JsonNode>> table : items.entrySet()) {
            if (!firstTable) out.append(',');
            firstTable = false;
            Json.quote(table.getKey(), out);
            out.append(":[");
            boolean first = true;
            for (JsonNode write : table.getValue()) {
                if (!first) out.append(',');
                first = false;
                Json.write(write, out);
            }
            out.append(']');
        }
        out.append('}');
    }

    /** The answer's members in order, those named in {@code changes} replaced by their JSON (left out where null), new ones added. */
    static StringBuilder withMembers(JsonNode answer, Map<String, String> changes) {
        StringBuilder out = new StringBuilder("{");
        Set<String> done = new HashSet<>();
        for (Map.Entry<String, JsonNode> member : answer.asObject().entrySet()) {
            boolean changed = changes.containsKey(member.getKey());
            if (changed) done.add(member.getKey());
            if (changed && changes.get(member.getKey()) == null) continue;
            if (out.length() > 1) out.append(',');
            Json.quote(member.getKey(), out);
            out.append(':');
            if (changed) out.append(changes.get(member.getKey()));
            else Json.write(member.getValue(), out);
        }
        changes.forEach((name, value) -> {
            if (done.contains(name) || value == null) return;
            if (out.length() > 1) out.append(',');
            Json.quote(name, out);
            out.append(':').append(value);
        });
        return out.append('}');
    }
}

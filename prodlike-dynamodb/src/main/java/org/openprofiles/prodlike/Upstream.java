package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Answers.DYNAMODB_ERROR;
import static org.openprofiles.prodlike.Answers.JSON_1_0;
import static org.openprofiles.prodlike.Answers.json;
import static org.openprofiles.prodlike.Counters.count;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The DynamoDB endpoint behind the proxy: the client's calls are forwarded as they came (its
 * signature included), and the proxy's own reads (DescribeTable, pre-images, current versions) are
 * made in the caller's name.
 */
final class Upstream {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length", "expect");

    private final URI upstream;
    private final String base;
    private final HttpClient http;
    private final Counters counters;

    Upstream(URI upstream, Counters counters) {
        this.upstream = upstream;
        String text = upstream.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.counters = counters;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI uri() {
        return upstream;
    }

    HttpWire.Response forward(HttpWire.Request request, byte[] body, String operation) throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + request.target()))
                .timeout(TIMEOUT)
                .method(request.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> header : request.headers()) {
            if (NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) continue;
            try {
                builder.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException restricted) {
                // a header java.net.http sets itself
            }
        }
        count(counters.forwarded, operation);
        HttpResponse<byte[]> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return json(500, "{\"__type\":\"" + DYNAMODB_ERROR + "InternalServerError\",\"message\":"
                    + Json.quote("production-like proxy: the upstream " + upstream + " failed: " + e) + "}");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        response.headers().map().forEach((name, values) -> {
            if (name.startsWith(":") || NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) return;
            for (String value : values) headers.add(Map.entry(name, value));
        });
        return new HttpWire.Response(response.statusCode(), headers, response.body());
    }

    List<String> describeKeySchema(String table, HttpWire.Request origin) {
        JsonNode description = Json.field(call("DescribeTable", "{\"TableName\":" + Json.quote(table) + "}", origin), "Table").orElse(null);
        List<JsonNode> schema = Json.array(Json.field(description, "KeySchema").orElse(null));
        if (schema == null) return null;
        List<String> names = new ArrayList<>();
        for (JsonNode element : schema) {
            String name = Json.string(Json.field(element, "AttributeName").orElse(null));
            if (name != null) names.add(name);
        }
        return names;
    }

    /** A call of the proxy's own upstream, in the name (credentials) of the caller of {@code origin}; its 200 answer, else null. */
    JsonNode call(String operation, String body, HttpWire.Request origin) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "/"))
                .timeout(TIMEOUT)
                .header("Content-Type", JSON_1_0)
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (String name : List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token")) {
            String value = origin.header(name);
            if (value != null) builder.header(name, value);
        }
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? Json.parseObject(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

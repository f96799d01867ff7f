package org.openprofiles.export;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.openprofiles.json.Json;

/**
 * A Kinesis that throttles, at the wire: an HTTP proxy in front of kinesalite. In the first {@code partialCalls}
 * PutRecords calls, every {@code refuseEvery}-th entry (the first included) is taken out of the request and answered
 * {@code ProvisionedThroughputExceededException} (as Kinesis answers a record over its shard's rate); the first
 * {@code wholeCalls} PutRecords calls are refused as a whole (a 400 the SDK retries). The rest reaches kinesalite
 * unchanged.
 */
final class ThrottlingKinesis implements AutoCloseable {
    private final HttpServer server;
    private final URI upstream;
    private final HttpClient http = HttpClient.newHttpClient();
    volatile int refuseEvery;
    final AtomicInteger partialCalls = new AtomicInteger();
    final AtomicInteger wholeCalls = new AtomicInteger();
    final AtomicInteger refusedEntries = new AtomicInteger();
    final AtomicInteger refusedCalls = new AtomicInteger();

    ThrottlingKinesis(URI upstream, int refuseEvery, int partialCalls, int wholeCalls) throws IOException {
        this.upstream = upstream;
        this.refuseEvery = refuseEvery;
        this.partialCalls.set(partialCalls);
        this.wholeCalls.set(wholeCalls);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @SuppressWarnings("unchecked")
    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean putRecords = target != null && target.endsWith(".PutRecords");
            if (putRecords && wholeCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                refusedCalls.incrementAndGet();
                answer(exchange, 400, "{\"__type\":\"ProvisionedThroughputExceededException\",\"message\":\"Rate exceeded for shard\"}");
                return;
            }
            List<Integer> refused = new ArrayList<>();
            if (putRecords && refuseEvery > 0 && partialCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                Map<String, Object> request = (Map<String, Object>) Json.parse(new String(body, StandardCharsets.UTF_8));
                List<Object> records = (List<Object>) request.get("Records");
                List<Object> kept = new ArrayList<>();
                for (int i = 0; i < records.size(); i++) {
                    if (i % refuseEvery == 0) refused.add(i);
                    else kept.add(records.get(i));
                }
                if (kept.isEmpty()) {
                    answer(exchange, 200, Json.write(Map.of("FailedRecordCount", refused.size(), "Records", failures(refused.size()))));
                    refusedEntries.addAndGet(refused.size());
                    return;
                }
                Map<String, Object> forwarded = new LinkedHashMap<>(request);
                forwarded.put("Records", kept);
                body = Json.write(forwarded).getBytes(StandardCharsets.UTF_8);
            }
            HttpRequest.Builder upstreamRequest = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().getPath()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!List.of("host", "content-length", "connection", "expect").contains(name.toLowerCase())) {
                    values.forEach(v -> upstreamRequest.header(name, v));
                }
            });
            HttpResponse<String> response = http.send(upstreamRequest.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            if (!refused.isEmpty() && response.statusCode() == 200) {
                Map<String, Object> answer = (Map<String, Object>) Json.parse(text);
                List<Object> results = new ArrayList<>((List<Object>) answer.get("Records"));
                for (int index : refused) results.add(index, Map.of("ErrorCode", "ProvisionedThroughputExceededException",
                        "ErrorMessage", "Rate exceeded for shard"));
                Map<String, Object> rewritten = new LinkedHashMap<>(answer);
                rewritten.put("Records", results);
                rewritten.put("FailedRecordCount", refused.size());
                text = Json.write(rewritten);
                refusedEntries.addAndGet(refused.size());
            }
            answer(exchange, response.statusCode(), text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Object> failures(int n) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(Map.of("ErrorCode", "ProvisionedThroughputExceededException", "ErrorMessage", "Rate exceeded for shard"));
        return out;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

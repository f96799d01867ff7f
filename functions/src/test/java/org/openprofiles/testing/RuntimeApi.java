package org.openprofiles.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) as a
 * function's runtime client meets it: next invocation (long poll), response, invocation error,
 * init error, and SnapStart's restore/next and restore error. Also answers a CloudFormation
 * custom resource's pre-signed ResponseURL ({@link #responseUrl}). Every call is logged in order.
 */
public final class RuntimeApi implements AutoCloseable {
    static final String BASE = "/2018-06-01/runtime";

    /** What the runtime client answered for one invocation. */
    public record Outcome(boolean error, String body, String errorType) {}

    private record Invocation(String id, String body) {}

    private final HttpServer server;
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    /** Each call, in arrival order: "next", "response", "error", "init/error", "restore/next", "restore/error", "cfn-response". */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<String> errorsReported = new CopyOnWriteArrayList<>();
    public final List<String> cloudFormationResponses = new CopyOnWriteArrayList<>();

    public RuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runtime-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext(BASE, this::runtime);
        server.createContext("/cfn-response", exchange -> {
            calls.add("cfn-response");
            cloudFormationResponses.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(exchange, 200, "");
        });
        server.start();
    }

    /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String responseUrl() {
        return "http://" + address() + "/cfn-response";
    }

    /** Queues an invocation; its outcome completes when the runtime client posts it. */
    public CompletableFuture<Outcome> invoke(String payload) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.put(id, outcome);
        pending.add(new Invocation(id, payload));
        return outcome;
    }

    /** The outcome, or a failure naming what the runtime client last did. */
    public Outcome await(CompletableFuture<Outcome> outcome, long seconds) throws Exception {
        try {
            return outcome.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + seconds + " s; Runtime API calls so far: " + calls + ", errors: " + errorsReported);
        }
    }

    private void runtime(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(BASE.length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (path.equals("/invocation/next")) {
            calls.add("next");
            Invocation next;
            try {
                next = pending.poll(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next = null;
            }
            if (next == null) {
                answer(exchange, 500, "{}");
                return;
            }
            var headers = exchange.getResponseHeaders();
            headers.add("Lambda-Runtime-Aws-Request-Id", next.id());
            headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 15_000));
            headers.add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:openprofiles-test");
            headers.add("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
            answer(exchange, 200, next.body());
        } else if (path.startsWith("/invocation/") && path.endsWith("/response")) {
            calls.add("response");
            complete(path, new Outcome(false, body, null));
            answer(exchange, 202, "{\"status\":\"OK\"}");
        } else if (path.startsWith("/invocation/") && path.endsWith("/error")) {
            calls.add("error");
            errorsReported.add(body);
            complete(path, new Outcome(true, body, exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type")));
            answer(exchange, 202, "{\"status\":\"OK\"}");
        } else if (path.equals("/restore/next")) {
            calls.add("restore/next");
            answer(exchange, 200, "");
        } else if (path.equals("/init/error") || path.equals("/restore/error")) {
            calls.add(path.substring(1));
            errorsReported.add(body);
            answer(exchange, 202, "{\"status\":\"OK\"}");
        } else {
            answer(exchange, 404, "{}");
        }
    }

    private void complete(String path, Outcome outcome) {
        String id = path.substring("/invocation/".length(), path.lastIndexOf('/'));
        CompletableFuture<Outcome> future = outcomes.get(id);
        if (future != null) future.complete(outcome);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // As Lambda's: the runtime client's native code reads the content type unchecked (a missing one crashes it).
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package org.openprofiles.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openprofiles.json.Json;

/**
 * One structured JSON line per request (request id, operation, status, latency) and one per
 * failure. Never request bodies, objects or key values: they are customer data.
 */
final class RequestLog {
    private RequestLog() {}

    static void request(String requestId, String operation, int status, String errorType, long nanos) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "INFO");
        line.put("requestId", requestId);
        line.put("operation", operation);
        line.put("status", status);
        if (errorType != null) line.put("errorType", errorType);
        line.put("latencyMs", Math.round(nanos / 10_000.0) / 100.0);
        System.out.println(Json.write(line));
    }

    /**
     * Server-side failures, for the operator: the exception classes of the cause chain and their
     * stack frames. Never the messages: a DynamoDB or parsing message can quote an item's values,
     * which are customer data.
     */
    static void failure(String requestId, String operation, Throwable error) {
        StringBuilder stack = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t != error) stack.append("Caused by: ");
            stack.append(t.getClass().getName()).append('\n');
            for (StackTraceElement frame : t.getStackTrace()) stack.append("\tat ").append(frame).append('\n');
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "ERROR");
        line.put("requestId", requestId);
        line.put("operation", operation);
        line.put("error", error.getClass().getName());
        line.put("stack", stack.toString());
        System.out.println(Json.write(line));
    }
}

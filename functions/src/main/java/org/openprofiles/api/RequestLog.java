package org.openprofiles.api;

import java.io.PrintWriter;
import java.io.StringWriter;
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

    /** Server-side failures: the exception class, message and stack, for the operator only. */
    static void failure(String requestId, String operation, Throwable error) {
        StringWriter stack = new StringWriter();
        error.printStackTrace(new PrintWriter(stack));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "ERROR");
        line.put("requestId", requestId);
        line.put("operation", operation);
        line.put("error", error.getClass().getName());
        line.put("stack", stack.toString());
        System.out.println(Json.write(line));
    }
}

package org.openprofiles.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.json.Json;
import org.openprofiles.store.table.CallCounter;

/**
 * One structured JSON line per request (request id, operation, status, latency, what it cost in
 * DynamoDB) and one per failure. Never request bodies, objects or key values: they are customer data.
 * The request line is also a CloudWatch Embedded Metric Format record: Lambda's log delivery turns it
 * into metrics, with no call on the request path (namespace {@value #NAMESPACE}, per operation and
 * for the whole service).
 */
public final class RequestLog {
    /** The metrics' namespace and dimension, and every metric's name (the CDK app's alarms and dashboard use these). */
    public static final String NAMESPACE = "OpenProfiles";
    public static final String OPERATION = "Operation";
    public static final String REQUESTS = "Requests";
    public static final String LATENCY = "Latency";
    public static final String BAD_REQUEST = "BadRequest";     // 4xx other than 404 and 429
    public static final String NOT_FOUND = "NotFound";         // 404
    public static final String THROTTLED = "Throttled";        // 429
    public static final String SERVER_ERRORS = "ServerErrors"; // 5xx
    public static final String DYNAMODB_CALLS = "DynamoDBCalls";
    public static final String DYNAMODB_RETRIES = "DynamoDBRetries";
    public static final String TRANSACTION_CONFLICTS = "TransactionConflicts";
    public static final String ERASURE_RUNS = "ErasureRuns";
    public static final String ERASURE_FAILURES = "ErasureFailures";
    public static final String ERASURE_JOBS_FINISHED = "ErasureJobsFinished";
    public static final String ERASURE_JOBS_PENDING = "ErasureJobsPending";
    public static final String ERASURE_ITEMS_ERASED = "ErasureItemsErased";
    public static final String ABANDONED_OPERATIONS_FINISHED = "AbandonedOperationsFinished";
    /** The contact-record consumer's metrics, per batch, by the domain it writes to. */
    public static final String DOMAIN = "Domain";
    public static final String CONTACT_RECORDS_STORED = "ContactRecordsStored";
    public static final String CONTACT_RECORDS_UNCHANGED = "ContactRecordsUnchanged";
    public static final String CONTACT_RECORDS_SET_ASIDE = "ContactRecordsSetAside";
    public static final String CONTACT_RECORDS_TO_RETRY = "ContactRecordsToRetry";

    /** The event streams' exporter's metrics, per batch (service-wide). */
    public static final String EVENTS_EXPORTED = "EventsExported";
    public static final String EVENTS_REDACTED = "EventsRedacted";
    public static final String EVENTS_REFUSED = "EventsRefusedByKinesis";
    public static final String EVENTS_TO_RETRY = "EventsToRetry";

    /** The metrics of every request line: name and unit. */
    static final Map<String, String> METRICS = metrics();

    private RequestLog() {}

    private static Map<String, String> metrics() {
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put(REQUESTS, "Count");
        metrics.put(LATENCY, "Milliseconds");
        for (String count : List.of(BAD_REQUEST, NOT_FOUND, THROTTLED, SERVER_ERRORS, DYNAMODB_CALLS, DYNAMODB_RETRIES, TRANSACTION_CONFLICTS)) {
            metrics.put(count, "Count");
        }
        return java.util.Collections.unmodifiableMap(metrics);
    }

    static void request(String requestId, String operation, int status, String errorType, long nanos, CallCounter.Counts dynamo) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "INFO");
        line.put("requestId", requestId);
        line.put(OPERATION, operation);
        line.put("status", status);
        if (errorType != null) line.put("errorType", errorType);
        line.put(REQUESTS, 1);
        line.put(LATENCY, Math.round(nanos / 10_000.0) / 100.0);
        line.put(BAD_REQUEST, status >= 400 && status < 500 && status != 404 && status != 429 ? 1 : 0);
        line.put(NOT_FOUND, status == 404 ? 1 : 0);
        line.put(THROTTLED, status == 429 ? 1 : 0);
        line.put(SERVER_ERRORS, status >= 500 ? 1 : 0);
        line.put(DYNAMODB_CALLS, dynamo.calls());
        line.put(DYNAMODB_RETRIES, dynamo.retries());
        line.put(TRANSACTION_CONFLICTS, dynamo.conflicts());
        line.put("_aws", metadata(List.of(List.of(OPERATION), List.of()), METRICS));
        System.out.println(Json.write(line));
    }

    /** The erasure worker's metrics: one line per scheduled run (service-wide, no dimension). */
    static final List<String> ERASURE_METRICS = List.of(ERASURE_RUNS, ERASURE_FAILURES, ERASURE_JOBS_FINISHED, ERASURE_JOBS_PENDING,
            ERASURE_ITEMS_ERASED, ABANDONED_OPERATIONS_FINISHED);

    static void erasure(org.openprofiles.service.ErasureWorker.Report report, boolean failed) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", failed ? "ERROR" : "INFO");
        line.put(OPERATION, "ErasureWorker");
        line.put(ERASURE_RUNS, 1);
        line.put(ERASURE_FAILURES, failed ? 1 : 0);
        line.put(ERASURE_JOBS_FINISHED, report == null ? 0 : report.finished());
        line.put(ERASURE_JOBS_PENDING, report == null ? 0 : report.pending());
        line.put(ERASURE_ITEMS_ERASED, report == null ? 0 : report.erased());
        line.put(ABANDONED_OPERATIONS_FINISHED, report == null ? 0 : report.abandonedFinished());
        Map<String, String> metrics = new LinkedHashMap<>();
        for (String name : ERASURE_METRICS) metrics.put(name, "Count");
        line.put("_aws", metadata(List.of(List.of()), metrics));
        System.out.println(Json.write(line));
    }

    static final List<String> CONTACT_RECORD_METRICS = List.of(CONTACT_RECORDS_STORED, CONTACT_RECORDS_UNCHANGED, CONTACT_RECORDS_SET_ASIDE,
            CONTACT_RECORDS_TO_RETRY, DYNAMODB_CALLS, TRANSACTION_CONFLICTS);

    /**
     * One line per batch of contact records: what became of them and what they cost in DynamoDB. Counts only, never a
     * record's content.
     */
    static void contactRecordBatch(String requestId, String domain, int records, int stored, int unchanged, int setAside,
                                   int toRetry, long nanos, CallCounter.Counts dynamo) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "INFO");
        line.put("requestId", requestId);
        line.put(OPERATION, "ContactRecordStream");
        line.put(DOMAIN, domain);
        line.put("records", records);
        line.put(CONTACT_RECORDS_STORED, stored);
        line.put(CONTACT_RECORDS_UNCHANGED, unchanged);
        line.put(CONTACT_RECORDS_SET_ASIDE, setAside);
        line.put(CONTACT_RECORDS_TO_RETRY, toRetry);
        line.put(DYNAMODB_CALLS, dynamo.calls());
        line.put(TRANSACTION_CONFLICTS, dynamo.conflicts());
        line.put(LATENCY, Math.round(nanos / 10_000.0) / 100.0);
        Map<String, String> metrics = new LinkedHashMap<>();
        for (String name : CONTACT_RECORD_METRICS) metrics.put(name, "Count");
        line.put("_aws", metadata(List.of(List.of(DOMAIN)), metrics));
        System.out.println(Json.write(line));
    }

    static final List<String> EVENT_EXPORT_METRICS = List.of(EVENTS_EXPORTED, EVENTS_REDACTED, EVENTS_REFUSED, EVENTS_TO_RETRY, DYNAMODB_CALLS);

    /**
     * One line per batch of the table's change stream: events written, written with ids only, refused by Kinesis (each
     * time), left for Lambda's retry (ERROR: a user alarms on {@value #EVENTS_TO_RETRY}), and the last error code. Counts
     * only, never an event's content.
     */
    static void eventExportBatch(String requestId, int records, int changes, org.openprofiles.export.Exporter.Result result, long nanos,
                                 CallCounter.Counts dynamo) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", result.undelivered() > 0 || result.firstUndelivered() != null ? "ERROR" : "INFO");
        line.put("requestId", requestId);
        line.put(OPERATION, "EventExport");
        line.put("records", records);
        line.put("changes", changes);
        line.put(EVENTS_EXPORTED, result.exported());
        line.put(EVENTS_REDACTED, result.redacted());
        line.put(EVENTS_REFUSED, result.refused());
        line.put(EVENTS_TO_RETRY, result.undelivered());
        if (result.lastError() != null) line.put("lastError", result.lastError());
        line.put(DYNAMODB_CALLS, dynamo.calls());
        line.put(LATENCY, Math.round(nanos / 10_000.0) / 100.0);
        Map<String, String> metrics = new LinkedHashMap<>();
        for (String name : EVENT_EXPORT_METRICS) metrics.put(name, "Count");
        line.put("_aws", metadata(List.of(List.of()), metrics));
        System.out.println(Json.write(line));
    }

    /**
     * The Embedded Metric Format block: which members of the line are metrics of namespace
     * {@value #NAMESPACE}, under which dimension sets.
     */
    static Map<String, Object> metadata(List<List<String>> dimensions, Map<String, String> metrics) {
        List<Map<String, String>> definitions = new ArrayList<>();
        metrics.forEach((name, unit) -> definitions.add(Map.of("Name", name, "Unit", unit)));
        return Map.of("Timestamp", System.currentTimeMillis(),
                "CloudWatchMetrics", List.of(Map.of("Namespace", NAMESPACE, "Dimensions", dimensions, "Metrics", definitions)));
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
        line.put(OPERATION, operation);
        line.put("error", error.getClass().getName());
        line.put("stack", stack.toString());
        System.out.println(Json.write(line));
    }
}

package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;

/**
 * The CloudFormation custom resource that applies the repository's domain files at deploy time
 * (create-or-replace of what they name, through the same service as PutProfileObjectType). On
 * Delete it does nothing: configuration, like the data, outlives the stack. It answers
 * CloudFormation on the pre-signed ResponseURL itself, so no provider framework function is needed.
 */
public final class DomainFilesHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    public static final String PHYSICAL_ID = "openprofiles-domain-files";
    static final int RESPONSE_ATTEMPTS = 3;
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** Kept back from the invocation's time to answer CloudFormation after the files: one attempt of {@link #send}. */
    static final Duration ANSWER_RESERVE = RESPONSE_TIMEOUT;

    private final Consumer<Deadline> apply;

    public DomainFilesHandler() {
        this(Container::applyDomainFiles);
    }

    /** @param apply applies the files, every call ended by the deadline it is given */
    public DomainFilesHandler(Consumer<Deadline> apply) {
        this.apply = apply;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("Status", "SUCCESS");
        try {
            if (!"Delete".equals(event.get("RequestType"))) apply.accept(applyDeadline(context));
        } catch (RuntimeException e) {
            response.put("Status", "FAILED");
            String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            response.put("Reason", reason.length() > 3000 ? reason.substring(0, 3000) : reason);
        }
        response.put("PhysicalResourceId", PHYSICAL_ID);
        for (String member : new String[] {"StackId", "RequestId", "LogicalResourceId"}) response.put(member, event.get(member));
        send((String) event.get("ResponseURL"), Json.write(response));
        return response;
    }

    /**
     * The request's deadline as every handler has it ({@link Api#deadline}), less time to answer CloudFormation: an
     * unanswered custom resource holds the stack for an hour. A short invocation keeps half its time for the answer.
     */
    static Deadline applyDeadline(Context context) {
        Duration left = Api.deadline(context).remaining();
        return Deadline.in(left.compareTo(ANSWER_RESERVE.multipliedBy(2)) > 0 ? left.minus(ANSWER_RESERVE) : left.dividedBy(2));
    }

    /** PUT to the pre-signed S3 URL (empty Content-Type, as it was signed), a bounded number of attempts. */
    static void send(String responseUrl, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        IOException last = null;
        for (int attempt = 1; attempt <= RESPONSE_ATTEMPTS; attempt++) {
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(responseUrl).toURL().openConnection();
                connection.setRequestMethod("PUT");
                connection.setDoOutput(true);
                connection.setConnectTimeout((int) RESPONSE_TIMEOUT.toMillis());
                connection.setReadTimeout((int) RESPONSE_TIMEOUT.toMillis());
                connection.setRequestProperty("Content-Type", "");
                connection.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(bytes);
                }
                int status = connection.getResponseCode();
                connection.disconnect();
                if (status / 100 == 2) return;
                last = new IOException("CloudFormation's response URL answered " + status);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException("could not answer CloudFormation", last);
    }
}

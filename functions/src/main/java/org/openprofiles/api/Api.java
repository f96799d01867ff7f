package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.openprofiles.json.Json;
import org.openprofiles.model.Caller;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.table.CallCounter;
import org.openprofiles.store.table.DynamoDbClients;

/**
 * What every handler shares: reading the API Gateway event, the restJson1 wire format of results
 * and errors, and one structured log line per request. The one place where an
 * exception becomes a status code.
 */
public final class Api {
    private Api() {}

    /** Runs one operation and turns its result or failure into the proxy response. */
    public static APIGatewayProxyResponseEvent handle(String operation, APIGatewayProxyRequestEvent event, Context context,
                                                      Supplier<Map<String, Object>> operationCall) {
        long started = System.nanoTime();
        CallCounter.reset();
        String requestId = requestId(event, context);
        APIGatewayProxyResponseEvent response;
        String errorType = null;
        try {
            response = respond(200, requestId, null, Json.write(Caller.as(performedBy(event), operationCall)));
        } catch (ServiceException e) {
            errorType = e.type().name();
            if (e.type().status >= 500) RequestLog.failure(requestId, operation, e);
            response = error(requestId, e.type(), e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            errorType = ServiceException.Type.InternalServerException.name();
            RequestLog.failure(requestId, operation, e);
            response = error(requestId, ServiceException.Type.InternalServerException,
                    "An internal error occurred; request id " + requestId);
        }
        RequestLog.request(requestId, operation, response.getStatusCode(), errorType, System.nanoTime() - started, CallCounter.counts());
        return response;
    }

    static APIGatewayProxyResponseEvent error(String requestId, ServiceException.Type type, String message) {
        String body = Json.write(Map.of("Message", message, "__type", type.name()));
        return respond(type.status, requestId, type.name(), body);
    }

    private static APIGatewayProxyResponseEvent respond(int status, String requestId, String errorType, String body) {
        Map<String, String> headers = errorType == null
                ? Map.of("Content-Type", "application/json", "x-amzn-RequestId", requestId)
                : Map.of("Content-Type", "application/json", "x-amzn-RequestId", requestId, "x-amzn-ErrorType", errorType);
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(headers).withBody(body)
                .withIsBase64Encoded(false);
    }

    private static String requestId(APIGatewayProxyRequestEvent event, Context context) {
        if (context != null && context.getAwsRequestId() != null) return context.getAwsRequestId();
        if (event != null && event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
            return event.getRequestContext().getRequestId();
        }
        return UUID.randomUUID().toString();
    }

    /**
     * Who called, as a profile history record's PerformedBy: the caller's IAM identity that API Gateway authenticated
     * (the request context's {@code identity.userArn}), or null when there is none.
     */
    static String performedBy(APIGatewayProxyRequestEvent event) {
        if (event == null || event.getRequestContext() == null || event.getRequestContext().getIdentity() == null) return null;
        return event.getRequestContext().getIdentity().getUserArn();
    }

    /** Kept back from the function's remaining time for answering (writing the response, the log line). */
    static final Duration ANSWER_MARGIN = Duration.ofMillis(500);

    /**
     * When the request must have its answer: the Lambda's remaining time less a margin; outside
     * Lambda (the local API, tests), the function timeout a deployed request would have.
     */
    public static Deadline deadline(Context context) {
        Duration remaining = context != null && context.getRemainingTimeInMillis() > 0
                ? Duration.ofMillis(context.getRemainingTimeInMillis())
                : DynamoDbClients.FUNCTION_TIMEOUT;
        return Deadline.in(remaining.minus(ANSWER_MARGIN));
    }

    /** A path parameter as API Gateway delivers it (already percent-decoded), or null. */
    public static String pathParameter(APIGatewayProxyRequestEvent event, String name) {
        Map<String, String> parameters = event.getPathParameters();
        return parameters == null ? null : parameters.get(name);
    }

    /** A query string parameter, or null. */
    public static String queryParameter(APIGatewayProxyRequestEvent event, String name) {
        Map<String, String> parameters = event.getQueryStringParameters();
        return parameters == null ? null : parameters.get(name);
    }

    /** The body as text, decoding base64 bodies (as `sam local` and binary media types send them). */
    public static String body(APIGatewayProxyRequestEvent event) {
        String body = event.getBody();
        if (body == null || !Boolean.TRUE.equals(event.getIsBase64Encoded())) return body;
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw ServiceException.badRequest("Request body is marked base64 but is not valid base64");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ServiceException.badRequest("Request body is not valid UTF-8");
        }
    }
}

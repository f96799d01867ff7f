package org.openprofiles.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.openprofiles.json.Json;

/**
 * API Gateway's routing for the local server: resource templates with {@code {Name}} segments,
 * decoded path parameters, and API Gateway's own answer for an unknown route (403
 * MissingAuthenticationTokenException), so clients see what they would see on AWS. A path
 * parameter that is not valid percent-encoding is a 400 BadRequestException saying why.
 */
final class Router {
    record Match(String resource, Map<String, String> pathParameters) {}

    private record Route(String method, String resource, String[] segments,
                         RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler) {}

    private final List<Route> routes = new ArrayList<>();

    Router route(String method, String resource,
                 RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler) {
        routes.add(new Route(method, resource, resource.substring(1).split("/"), handler));
        return this;
    }

    APIGatewayProxyResponseEvent dispatch(String method, String rawPath,
                                          Function<Match, APIGatewayProxyRequestEvent> eventFor) {
        String[] segments = rawPath.length() > 1 ? rawPath.substring(1).split("/", -1) : new String[0];
        for (Route route : routes) {
            if (!route.method().equals(method) || route.segments().length != segments.length) continue;
            Map<String, String> parameters;
            try {
                parameters = match(route.segments(), segments);
            } catch (MalformedEscape e) {
                return badRequest("Path segment '" + e.segment + "' is not valid percent-encoding: " + PERCENT_RULE);
            }
            if (parameters != null) {
                return route.handler().handleRequest(eventFor.apply(new Match(route.resource(), parameters)), null);
            }
        }
        return new APIGatewayProxyResponseEvent().withStatusCode(403)
                .withHeaders(Map.of("Content-Type", "application/json",
                        "x-amzn-ErrorType", "MissingAuthenticationTokenException",
                        "x-amzn-RequestId", UUID.randomUUID().toString()))
                .withBody("{\"message\":\"Missing Authentication Token\"}");
    }

    static final String PERCENT_RULE = "each '%' must be followed by two hexadecimal digits (0-9, a-f or A-F)";

    /** A path parameter that is not valid percent-encoding, on a route whose other segments match. */
    private static final class MalformedEscape extends RuntimeException {
        final String segment;

        MalformedEscape(String segment) {
            super(null, null, false, false);
            this.segment = segment;
        }
    }

    /** The path parameters, or null when the path is not this route's. */
    private static Map<String, String> match(String[] template, String[] segments) {
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (!(t.startsWith("{") && t.endsWith("}")) && !t.equals(segments[i])) return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (!(t.startsWith("{") && t.endsWith("}"))) continue;
            String value = percentDecode(segments[i], false);
            if (value == null) throw new MalformedEscape(segments[i]);
            if (value.isEmpty()) return null;
            parameters.put(t.substring(1, t.length() - 1), value);
        }
        return parameters;
    }

    /** API Gateway's error shape, as the handlers write it (restJson1: Message and __type). */
    private static APIGatewayProxyResponseEvent badRequest(String message) {
        return new APIGatewayProxyResponseEvent().withStatusCode(400)
                .withHeaders(Map.of("Content-Type", "application/json",
                        "x-amzn-ErrorType", "BadRequestException",
                        "x-amzn-RequestId", UUID.randomUUID().toString()))
                .withBody(Json.write(Map.of("Message", message, "__type", "BadRequestException")));
    }

    /** 0-9, a-f, A-F only: Character.digit would also take Arabic-Indic, fullwidth and other Unicode digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /**
     * Percent-decodes UTF-8; '+' means space only in query strings. Null when malformed: a '%' not
     * followed by two ASCII hex digits.
     */
    static String percentDecode(String raw, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) return null;
                int hi = hexDigit(raw.charAt(i + 1));
                int lo = hexDigit(raw.charAt(i + 2));
                if (hi < 0 || lo < 0) return null;
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                int codePoint = raw.codePointAt(i);
                byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

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

/**
 * API Gateway's routing for the local server: resource templates with {@code {Name}} segments,
 * decoded path parameters, and API Gateway's own answer for an unknown route (403
 * MissingAuthenticationTokenException), so clients see what they would see on AWS.
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
            Map<String, String> parameters = match(route.segments(), segments);
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

    private static Map<String, String> match(String[] template, String[] segments) {
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                String value = percentDecode(segments[i], false);
                if (value == null || value.isEmpty()) return null;
                parameters.put(t.substring(1, t.length() - 1), value);
            } else if (!t.equals(segments[i])) {
                return null;
            }
        }
        return parameters;
    }

    /** Percent-decodes UTF-8; '+' means space only in query strings. Null when malformed. */
    static String percentDecode(String raw, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) return null;
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
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

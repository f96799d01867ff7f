package org.openprofiles.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What API Gateway makes of an HTTP request: the proxy event (REST API, payload 1.0) the local API hands its handlers. */
final class GatewayEvents {
    private static final Pattern SIGV4_CREDENTIAL = Pattern.compile("Credential=([A-Za-z0-9_+=,.@-]{1,128})/");

    private GatewayEvents() {}

    /**
     * Who the local API says called, as profile history records name it (PerformedBy): nothing checks signatures here,
     * so the caller is the access key id a SigV4-signed request names ({@code Credential=<key id>/...}), as the IAM
     * user ARN {@code arn:aws:iam::000000000000:user/<key id>}; an unsigned request names nobody.
     */
    static String caller(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) return null;
        Matcher credential = SIGV4_CREDENTIAL.matcher(authorization);
        return credential.find() ? "arn:aws:iam::000000000000:user/" + credential.group(1) : null;
    }

    /** The proxy event API Gateway (REST API, payload 1.0) would send for this request. */
    static APIGatewayProxyRequestEvent event(HttpExchange exchange, Router.Match match) {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("could not read the request body", e);
        }
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod(exchange.getRequestMethod())
                .withResource(match.resource())
                .withPath(exchange.getRequestURI().getPath())
                .withPathParameters(match.pathParameters())
                .withQueryStringParameters(query(exchange.getRequestURI().getRawQuery()))
                .withHeaders(headers(exchange))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withUserArn(caller(exchange)))
                        .withRequestId(UUID.randomUUID().toString())
                        .withStage("local")
                        .withResourcePath(match.resource())
                        .withHttpMethod(exchange.getRequestMethod()));
        if (bytes.length > 0) {
            String text = utf8(bytes);
            // Like API Gateway with a binary media type: bytes that are not text arrive base64-encoded.
            if (text == null) event.withBody(Base64.getEncoder().encodeToString(bytes)).withIsBase64Encoded(true);
            else event.withBody(text).withIsBase64Encoded(false);
        }
        return event;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
        return headers;
    }

    private static Map<String, String> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return null;
        Map<String, String> parameters = new HashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = Router.percentDecode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : Router.percentDecode(pair.substring(eq + 1), true);
            if (name != null && value != null) parameters.put(name, value);
        }
        return parameters;
    }
}

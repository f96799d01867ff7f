package org.openprofiles.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openprofiles.json.Json;

/** API Gateway proxy events and responses for tests: built by hand, or read from events/*.json. */
public final class Events {
    private Events() {}

    public static APIGatewayProxyRequestEvent putProfileObject(String domain, String objectTypeName, String object) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ObjectTypeName", objectTypeName);
        body.put("Object", object);
        return request("PUT", "/domains/{DomainName}/profiles/objects", domain, Json.write(body));
    }

    public static APIGatewayProxyRequestEvent addProfileKey(String domain, String profileId, String keyName, String... values) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ProfileId", profileId);
        body.put("KeyName", keyName);
        body.put("Values", java.util.List.of(values));
        return request("POST", "/domains/{DomainName}/profiles/keys", domain, Json.write(body));
    }

    public static APIGatewayProxyRequestEvent searchProfiles(String domain, String keyName, String... values) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("KeyName", keyName);
        body.put("Values", java.util.List.of(values));
        return request("POST", "/domains/{DomainName}/profiles/search", domain, Json.write(body));
    }

    public static APIGatewayProxyRequestEvent listProfileObjects(String domain, String objectTypeName, String profileId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ObjectTypeName", objectTypeName);
        body.put("ProfileId", profileId);
        return request("POST", "/domains/{DomainName}/profiles/objects", domain, Json.write(body));
    }

    public static APIGatewayProxyRequestEvent request(String method, String resource, String domain, String body) {
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withResource(resource)
                .withPath(resource.replace("{DomainName}", domain == null ? "" : domain))
                .withPathParameters(domain == null ? null : Map.of("DomainName", domain))
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("test-request"));
    }

    /** Reads an API Gateway REST proxy event (payload 1.0) as `sam local invoke -e` takes it. */
    @SuppressWarnings("unchecked")
    public static APIGatewayProxyRequestEvent fromJson(String json) {
        Map<String, Object> e = (Map<String, Object>) Json.parse(json);
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod(string(e.get("httpMethod")))
                .withResource(string(e.get("resource")))
                .withPath(string(e.get("path")))
                .withPathParameters(stringMap(e.get("pathParameters")))
                .withQueryStringParameters(stringMap(e.get("queryStringParameters")))
                .withHeaders(stringMap(e.get("headers")))
                .withBody(string(e.get("body")))
                .withIsBase64Encoded(Boolean.TRUE.equals(e.get("isBase64Encoded")));
        if (e.get("requestContext") instanceof Map<?, ?> context) {
            event.withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                    .withRequestId(string(context.get("requestId")))
                    .withStage(string(context.get("stage"))));
            if (context.get("identity") instanceof Map<?, ?> identity) {
                event.getRequestContext().withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity()
                        .withUserArn(string(identity.get("userArn"))).withAccessKey(string(identity.get("accessKey"))));
            }
        }
        return event;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> body(APIGatewayProxyResponseEvent response) {
        return (Map<String, Object>) Json.parse(response.getBody());
    }

    private static String string(Object value) {
        return value instanceof String s ? s : null;
    }

    private static Map<String, String> stringMap(Object value) {
        if (!(value instanceof Map<?, ?> map)) return null;
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, string(v)));
        return out;
    }
}

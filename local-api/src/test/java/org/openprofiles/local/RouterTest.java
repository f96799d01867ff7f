package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openprofiles.json.Json;

/** Routing and percent-decoding of path parameters, without a server. */
class RouterTest {
    final Router router = new Router().route("GET", "/domains/{DomainName}/profiles",
            (event, context) -> new APIGatewayProxyResponseEvent().withStatusCode(200).withBody(event.getPathParameters().get("DomainName")));

    APIGatewayProxyResponseEvent get(String rawPath) {
        return router.dispatch("GET", rawPath, match -> new APIGatewayProxyRequestEvent()
                .withResource(match.resource()).withPathParameters(match.pathParameters()));
    }

    @Test
    void pathParametersArePercentDecodedWithHexDigitsInEitherCase() {
        assertEquals("a b/\u00e9", get("/domains/a%20b%2f%C3%A9/profiles").getBody());
        assertEquals("a b/\u00e9", get("/domains/a%20b%2F%c3%a9/profiles").getBody());
        assertEquals("a+b", get("/domains/a+b/profiles").getBody(), "'+' is a space only in a query string");
    }

    @Test
    void percentDecodeTakesOnlyAsciiHexDigits() {
        assertEquals("AZ", Router.percentDecode("%41%5a", false));
        assertEquals("a b", Router.percentDecode("a+b", true));
        assertNull(Router.percentDecode("%\u0664\u0661", false), "Arabic-Indic digits are not hex digits");
        assertNull(Router.percentDecode("%\uff14\uff11", false), "fullwidth digits are not hex digits");
        assertNull(Router.percentDecode("%4\uff41", false), "fullwidth letters are not hex digits");
        assertNull(Router.percentDecode("%4g", false));
        assertNull(Router.percentDecode("%4", false));
        assertNull(Router.percentDecode("%", false));
    }

    /** Not hex digits as Character.digit would have read them: Arabic-Indic, fullwidth, Devanagari. */
    @ParameterizedTest
    @ValueSource(strings = {"%\u0664\u0661", "%\uff14\uff11", "%\u096a\u0967", "%zz", "%4", "abc%"})
    void aMalformedPathParameterIsA400SayingWhy(String segment) {
        APIGatewayProxyResponseEvent response = get("/domains/" + segment + "/profiles");
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("BadRequestException", response.getHeaders().get("x-amzn-ErrorType"));
        assertEquals(Map.of("__type", "BadRequestException", "Message", "Path segment '" + segment
                + "' is not valid percent-encoding: each '%' must be followed by two hexadecimal digits (0-9, a-f or A-F)"),
                Json.parse(response.getBody()));
    }

    @Test
    void anUnknownRouteIsApiGatewaysMissingAuthenticationToken() {
        for (String path : new String[] {"/domains/d/other", "/domains/%zz/other", "/domains//profiles", "/nowhere"}) {
            APIGatewayProxyResponseEvent response = get(path);
            assertEquals(403, response.getStatusCode(), path);
            assertEquals("MissingAuthenticationTokenException", response.getHeaders().get("x-amzn-ErrorType"), path);
        }
    }
}

package org.openprofiles.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.util.HashMap;
import java.util.Map;

/** API Gateway events of the eight calculated attribute operations, with their path parameters. */
public final class CalculatedEvents {
    public static final String DEFINITION = "/domains/{DomainName}/calculated-attributes/{CalculatedAttributeName}";
    public static final String DEFINITIONS = "/domains/{DomainName}/calculated-attributes";
    public static final String VALUE = "/domains/{DomainName}/profile/{ProfileId}/calculated-attributes/{CalculatedAttributeName}";
    public static final String VALUES = "/domains/{DomainName}/profile/{ProfileId}/calculated-attributes";
    public static final String BATCH = "/domains/{DomainName}/calculated-attributes/{CalculatedAttributeName}/batch-get-for-profiles";

    /** A domain file with a calculated attribute over its contact records (the README's example). */
    public static final String DOMAIN_FILE = """
            {"DomainName": "D", "ObjectTypes": {"CTR": {"Description": "contact records", "TemplateId": "CTR"}},
             "CalculatedAttributes": {"_voice_calls_this_year": {
               "DisplayName": "Voice calls this year", "Statistic": "COUNT", "UseHistoricalData": true,
               "AttributeDetails": {"Attributes": [{"Name": "contactId"}], "Expression": "{CTR.contactId}"},
               "Conditions": {"Range": {"Value": 365, "Unit": "DAYS"}},
               "Filter": {"Include": "ALL", "Groups": [{"Type": "ALL", "Dimensions": [
                 {"Attributes": {"channel": {"DimensionType": "INCLUSIVE", "Values": ["VOICE"]}}}]}]}}}}
            """;

    private CalculatedEvents() {}

    /** Create (POST), Get (GET), Update (PUT), Delete (DELETE) of a definition. */
    public static APIGatewayProxyRequestEvent definition(String method, String domain, String name, String body) {
        return event(method, DEFINITION, domain, body, Map.of("CalculatedAttributeName", name));
    }

    public static APIGatewayProxyRequestEvent listDefinitions(String domain, Map<String, String> query) {
        return event("GET", DEFINITIONS, domain, null, Map.of()).withQueryStringParameters(query);
    }

    public static APIGatewayProxyRequestEvent value(String domain, String profileId, String name) {
        return event("GET", VALUE, domain, null, Map.of("ProfileId", profileId, "CalculatedAttributeName", name));
    }

    public static APIGatewayProxyRequestEvent values(String domain, String profileId, Map<String, String> query) {
        return event("GET", VALUES, domain, null, Map.of("ProfileId", profileId)).withQueryStringParameters(query);
    }

    public static APIGatewayProxyRequestEvent batch(String domain, String name, String body) {
        return event("POST", BATCH, domain, body, Map.of("CalculatedAttributeName", name));
    }

    private static APIGatewayProxyRequestEvent event(String method, String resource, String domain, String body, Map<String, String> more) {
        Map<String, String> parameters = new HashMap<>(more);
        parameters.put("DomainName", domain);
        String path = resource;
        for (Map.Entry<String, String> p : parameters.entrySet()) path = path.replace("{" + p.getKey() + "}", p.getValue());
        return Events.request(method, resource, domain, body).withPath(path).withPathParameters(parameters);
    }
}

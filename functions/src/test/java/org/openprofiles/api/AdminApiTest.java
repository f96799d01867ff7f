package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openprofiles.json.Json;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.Node;

/** The eleven administration operations through the handler: shapes, every constraint, and the errors. */
class AdminApiTest {
    final Node node = new Node(LocalDynamo.newTable());

    APIGatewayProxyResponseEvent call(int expected, String method, String resource, String domain, String type, String body) {
        APIGatewayProxyResponseEvent response = node.admin(method, resource, domain, type, body);
        assertEquals(expected, response.getStatusCode(), response.getBody());
        return response;
    }

    Map<String, Object> ok(String method, String resource, String domain, String type, String body) {
        return Events.body(call(200, method, resource, domain, type, body));
    }

    /** A refusal whose message mentions {@code words}. */
    void refused(int status, String words, String method, String resource, String domain, String type, String body) {
        APIGatewayProxyResponseEvent response = call(status, method, resource, domain, type, body);
        String message = (String) Events.body(response).get("Message");
        assertTrue(message.contains(words), words + " not in: " + message);
        assertEquals(status == 400 ? "BadRequestException" : "ResourceNotFoundException", response.getHeaders().get("x-amzn-ErrorType"));
    }

    @Test
    void domainsAreCreatedReadUpdatedListedAndDeleted() {
        Map<String, Object> created = ok("POST", AdminHandler.DOMAIN, "Shop", null,
                "{\"DefaultExpirationDays\":30,\"Tags\":{\"team\":\"crm\"},\"Matching\":{\"Enabled\":false},\"DefaultEncryptionKey\":\"\"}");
        assertEquals("Shop", created.get("DomainName"));
        assertEquals(new Json.JsonNumber("30"), created.get("DefaultExpirationDays"));
        assertEquals(Map.of("team", "crm"), created.get("Tags"));
        assertEquals(Map.of("Enabled", false), created.get("Matching"));
        assertInstanceOf(Json.JsonNumber.class, created.get("CreatedAt"), "epoch seconds, a JSON number");
        long createdAt = Long.parseLong(((Json.JsonNumber) created.get("CreatedAt")).text());
        assertTrue(Math.abs(createdAt - System.currentTimeMillis() / 1000) < 60, "seconds, not milliseconds: " + createdAt);
        assertNull(created.get("Stats"), "no domain-wide counters are kept");
        assertEquals(created, ok("GET", AdminHandler.DOMAIN, "Shop", null, null));

        refused(400, "already exists", "POST", AdminHandler.DOMAIN, "Shop", null, "{\"DefaultExpirationDays\":30}");
        Map<String, Object> updated = ok("PUT", AdminHandler.DOMAIN, "Shop", null, "{\"DefaultExpirationDays\":90}");
        assertEquals(new Json.JsonNumber("90"), updated.get("DefaultExpirationDays"));
        assertEquals(Map.of("team", "crm"), updated.get("Tags"), "members left out keep their value");
        assertEquals(created.get("CreatedAt"), updated.get("CreatedAt"));
        refused(404, "does not exist", "PUT", AdminHandler.DOMAIN, "Nope", null, "{\"DefaultExpirationDays\":90}");
        refused(404, "does not exist", "GET", AdminHandler.DOMAIN, "Nope", null, null);

        for (String name : List.of("B-domain", "C_domain")) ok("POST", AdminHandler.DOMAIN, name, null, "{\"DefaultExpirationDays\":1}");
        Map<String, Object> page = ok("GET", AdminHandler.DOMAINS, null, null, null);
        assertEquals(List.of("B-domain", "C_domain", "Shop"), names(page, "DomainName"));
        APIGatewayProxyResponseEvent first = node.admin.handleRequest(Events.request("GET", AdminHandler.DOMAINS, null, null)
                .withPathParameters(null).withQueryStringParameters(Map.of("max-results", "2")), null);
        Map<String, Object> firstPage = Events.body(first);
        assertEquals(List.of("B-domain", "C_domain"), names(firstPage, "DomainName"));
        Map<String, Object> secondPage = Events.body(node.admin.handleRequest(Events.request("GET", AdminHandler.DOMAINS, null, null)
                .withPathParameters(null).withQueryStringParameters(Map.of("max-results", "2", "next-token", (String) firstPage.get("NextToken"))), null));
        assertEquals(List.of("Shop"), names(secondPage, "DomainName"));
        assertNull(secondPage.get("NextToken"));
        for (Map<String, String> query : List.of(Map.of("max-results", "0"), Map.of("max-results", "101"), Map.of("next-token", "forged"))) {
            APIGatewayProxyResponseEvent bad = node.admin.handleRequest(Events.request("GET", AdminHandler.DOMAINS, null, null)
                    .withPathParameters(null).withQueryStringParameters(query), null);
            assertEquals(400, bad.getStatusCode(), bad.getBody());
        }

        Map<String, Object> deleted = ok("DELETE", AdminHandler.DOMAIN, "B-domain", null, null);
        assertTrue(((String) deleted.get("Message")).contains("being erased"), deleted.toString());
        refused(404, "being erased", "GET", AdminHandler.DOMAIN, "B-domain", null, null);
        refused(404, "being erased", "DELETE", AdminHandler.DOMAIN, "B-domain", null, null);
        refused(404, "does not exist", "DELETE", AdminHandler.DOMAIN, "Nope", null, null);
        assertEquals(List.of("C_domain", "Shop"), names(ok("GET", AdminHandler.DOMAINS, null, null, null), "DomainName"));
    }

    static List<Object> names(Map<String, Object> page, String member) {
        return ((List<?>) page.get("Items")).stream().map(i -> ((Map<?, ?>) i).get(member)).collect(Collectors.toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Shop   | {}                                                             | DefaultExpirationDays is required
            Shop   | {"DefaultExpirationDays":0}                                    | DefaultExpirationDays must be a whole number of days from 1 to 1098
            Shop   | {"DefaultExpirationDays":1099}                                 | from 1 to 1098
            Shop   | {"DefaultExpirationDays":"30"}                                 | DefaultExpirationDays must be
            Shop   | {"DefaultExpirationDays":1.5}                                  | DefaultExpirationDays must be
            d!     | {"DefaultExpirationDays":30}                                   | DomainName must match the pattern
            Shop   | {"DefaultExpirationDays":30,"DefaultEncryptionKey":"arn:k"}   | DefaultEncryptionKey is not supported
            Shop   | {"DefaultExpirationDays":30,"DefaultEncryptionKey":7}         | DefaultEncryptionKey must be a string
            Shop   | {"DefaultExpirationDays":30,"DeadLetterQueueUrl":"https://q"} | DeadLetterQueueUrl is not supported
            Shop   | {"DefaultExpirationDays":30,"Matching":{"Enabled":true}}      | Matching is not supported
            Shop   | {"DefaultExpirationDays":30,"Matching":{}}                    | Matching.Enabled is required
            Shop   | {"DefaultExpirationDays":30,"Matching":{"Enabled":"no"}}      | Matching.Enabled must be a JSON boolean
            Shop   | {"DefaultExpirationDays":30,"RuleBasedMatching":{"Enabled":false,"MatchingRules":[]}} | RuleBasedMatching is not supported
            Shop   | {"DefaultExpirationDays":30,"DataStore":{"Enabled":true}}     | DataStore is not supported
            Shop   | {"DefaultExpirationDays":30,"Tags":{}}                        | Tags must hold between 1 and 50
            Shop   | {"DefaultExpirationDays":30,"Tags":{"aws:x":"y"}}             | must not start with 'aws:'
            Shop   | {"DefaultExpirationDays":30,"Tags":{"a b":"y"}}               | tag key 'a b'
            Shop   | {"DefaultExpirationDays":30,"Tags":{"k":1}}                   | must be a string
            Shop   | {"DefaultExpirationDays":30,"Stats":{}}                       | Unknown member 'Stats'
            Shop   | [1]                                                            | must be a JSON object
            """)
    void everyConstraintOfCreateDomainIsABadRequestNamingTheMember(String domain, String body, String words) {
        refused(400, words, "POST", AdminHandler.DOMAIN, domain, null, body);
    }

    @Test
    void tooManyTagsAndTooLongNamesAreRefused() {
        String tags = IntStream.range(0, 51).mapToObj(i -> "\"k" + "x".repeat(i) + "\":\"v\"").collect(Collectors.joining(","));
        refused(400, "between 1 and 50", "POST", AdminHandler.DOMAIN, "Shop", null, "{\"DefaultExpirationDays\":30,\"Tags\":{" + tags + "}}");
        refused(400, "at most 256", "POST", AdminHandler.DOMAIN, "Shop", null,
                "{\"DefaultExpirationDays\":30,\"Tags\":{\"k\":\"" + "v".repeat(257) + "\"}}");
        refused(400, "DomainName must be between 1 and 64", "POST", AdminHandler.DOMAIN, "d".repeat(65), null, "{\"DefaultExpirationDays\":30}");
    }

    static final String TYPE = "{\"Description\":\"people\",\"AllowProfileCreation\":true,\"ExpirationDays\":10,\"Tags\":{\"k\":\"v\"},"
            + "\"Fields\":{\"id\":{\"Source\":\"_source.id\"},\"email\":{\"Source\":\"_source.email\",\"ContentType\":\"EMAIL_ADDRESS\"}},"
            + "\"Keys\":{\"pid\":[{\"StandardIdentifiers\":[\"UNIQUE\"],\"FieldNames\":[\"id\"]}],"
            + "\"_email\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]}}";

    @Test
    void objectTypesReturnWhatWasPut() {
        ok("POST", AdminHandler.DOMAIN, "Shop", null, "{\"DefaultExpirationDays\":30}");
        Map<String, Object> put = ok("PUT", AdminHandler.OBJECT_TYPE, "Shop", "Person", TYPE);
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("ObjectTypeName", "Person");
        expected.putAll(Events.body(new APIGatewayProxyResponseEvent().withBody(TYPE)));
        expected.put("CreatedAt", put.get("CreatedAt"));
        expected.put("LastUpdatedAt", put.get("LastUpdatedAt"));
        assertEquals(expected, put);
        assertEquals(put, ok("GET", AdminHandler.OBJECT_TYPE, "Shop", "Person", null));
        Map<String, Object> replaced = ok("PUT", AdminHandler.OBJECT_TYPE, "Shop", "Person", TYPE.replace("people", "persons"));
        assertEquals("persons", replaced.get("Description"));
        assertEquals(put.get("CreatedAt"), replaced.get("CreatedAt"), "a replace keeps the creation time");

        Map<String, Object> templated = ok("PUT", AdminHandler.OBJECT_TYPE, "Shop", "Calls", "{\"Description\":\"calls\",\"TemplateId\":\"CTR-AutoAssociateOnly\"}");
        assertEquals("CTR-AutoAssociateOnly", templated.get("TemplateId"));
        assertEquals(false, templated.get("AllowProfileCreation"), "the template's setting");
        assertNull(templated.get("Fields"), "what was put, not the template's mapping");

        Map<String, Object> list = ok("GET", AdminHandler.OBJECT_TYPES, "Shop", null, null);
        assertEquals(List.of("Calls", "Person"), names(list, "ObjectTypeName"));
        assertEquals(Map.of("ObjectTypeName", "Person", "Description", "persons", "CreatedAt", put.get("CreatedAt"),
                "LastUpdatedAt", replaced.get("LastUpdatedAt"), "Tags", Map.of("k", "v")), ((List<?>) list.get("Items")).get(1));

        refused(404, "Domain 'Nope' does not exist", "PUT", AdminHandler.OBJECT_TYPE, "Nope", "Person", TYPE);
        refused(404, "Domain 'Nope' does not exist", "GET", AdminHandler.OBJECT_TYPES, "Nope", null, null);
        refused(404, "Object type 'Ghost' does not exist in domain 'Shop'", "GET", AdminHandler.OBJECT_TYPE, "Shop", "Ghost", null);
        refused(404, "Object type 'Ghost' does not exist", "DELETE", AdminHandler.OBJECT_TYPE, "Shop", "Ghost", null);
        refused(400, "ObjectTypeName must match", "GET", AdminHandler.OBJECT_TYPE, "Shop", "1abc", null);
        refused(400, "reserved for standard objects", "PUT", AdminHandler.OBJECT_TYPE, "Shop", "_profile", TYPE);
        refused(400, "SourcePriority is not supported", "PUT", AdminHandler.OBJECT_TYPE, "Shop", "P",
                TYPE.replace("{\"Description\"", "{\"SourcePriority\":1,\"Description\""));
        refused(400, "Tags: the tag key 'aws:x'", "PUT", AdminHandler.OBJECT_TYPE, "Shop", "P", TYPE.replace("\"k\":\"v\"", "\"aws:x\":\"v\""));
        refused(400, "Request body is required", "PUT", AdminHandler.OBJECT_TYPE, "Shop", "P", null);
        refused(400, "Object type 'Other': key '_email' is made of fields of ContentType [[STRING]] here but [[EMAIL_ADDRESS]] "
                + "in object type 'Person'", "PUT", AdminHandler.OBJECT_TYPE, "Shop", "Other", TYPE.replace(",\"ContentType\":\"EMAIL_ADDRESS\"", ""));

        Map<String, Object> deleted = ok("DELETE", AdminHandler.OBJECT_TYPE, "Shop", "Person", null);
        assertTrue(((String) deleted.get("Message")).contains("being erased"));
        refused(404, "being erased", "GET", AdminHandler.OBJECT_TYPE, "Shop", "Person", null);
        assertEquals(List.of("Calls"), names(ok("GET", AdminHandler.OBJECT_TYPES, "Shop", null, null), "ObjectTypeName"));
    }

    @Test
    void aDomainHoldsAtMostOneHundredObjectTypes() {
        ok("POST", AdminHandler.DOMAIN, "Big", null, "{\"DefaultExpirationDays\":30}");
        String type = "{\"Description\":\"d\",\"TemplateId\":\"CTR\"}";
        for (int i = 0; i < 100; i++) ok("PUT", AdminHandler.OBJECT_TYPE, "Big", "T" + i, type);
        refused(400, "already has 100 object types", "PUT", AdminHandler.OBJECT_TYPE, "Big", "T100", type);
        ok("PUT", AdminHandler.OBJECT_TYPE, "Big", "T7", type); // replacing one is fine
    }

    @Test
    void templatesAreListedAndShown() {
        Map<String, Object> list = ok("GET", AdminHandler.TEMPLATES, null, null, null);
        assertEquals(List.of("CTR", "CTR-AutoAssociateOnly", "CTR-NoInferred"), names(list, "TemplateId"));
        assertEquals(Map.of("TemplateId", "CTR", "SourceName", "Connect", "SourceObject", "CTR"), ((List<?>) list.get("Items")).get(0));
        APIGatewayProxyResponseEvent one = node.admin.handleRequest(Events.request("GET", AdminHandler.TEMPLATE, null, null)
                .withPathParameters(Map.of("TemplateId", "CTR-AutoAssociateOnly")), null);
        assertEquals(200, one.getStatusCode(), one.getBody());
        Map<String, Object> template = Events.body(one);
        assertEquals(false, template.get("AllowProfileCreation"));
        assertTrue(((Map<?, ?>) template.get("Keys")).containsKey("_ctrContactId"));
        assertTrue(((Map<?, ?>) template.get("Fields")).containsKey("phone"));
        for (String id : List.of("Nope", "a b")) {
            APIGatewayProxyResponseEvent missing = node.admin.handleRequest(Events.request("GET", AdminHandler.TEMPLATE, null, null)
                    .withPathParameters(Map.of("TemplateId", id)), null);
            assertEquals(id.equals("Nope") ? 404 : 400, missing.getStatusCode(), missing.getBody());
        }
    }
}

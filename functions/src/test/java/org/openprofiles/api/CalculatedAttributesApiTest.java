package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.testing.CalculatedEvents;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.MutableClock;
import org.openprofiles.testing.Node;

/**
 * The eight calculated attribute operations through the handlers, over DynamoDB Local: definitions and their rules,
 * values that read the caller's own writes, and retraction by DeleteProfileObject, MergeProfiles and DeleteProfile.
 */
class CalculatedAttributesApiTest {
    static final String DOMAIN = "Shop";
    static final String ORDER = "{\"Description\":\"orders\",\"AllowProfileCreation\":true,\"Fields\":{"
            + "\"orderId\":{\"Source\":\"_source.orderId\"},"
            + "\"email\":{\"Source\":\"_source.email\",\"Target\":\"_profile.EmailAddress\",\"ContentType\":\"EMAIL_ADDRESS\"},"
            + "\"amount\":{\"Source\":\"_source.total\"}},"
            + "\"Keys\":{\"orderId\":[{\"StandardIdentifiers\":[\"UNIQUE\"],\"FieldNames\":[\"orderId\"]}],"
            + "\"_email\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]}}";

    final String table = LocalDynamo.newTable();
    final Node node = new Node(table);

    @BeforeEach
    void domain() {
        assertEquals(200, node.createDomain(DOMAIN).getStatusCode());
        assertEquals(200, node.putType(DOMAIN, "Order", ORDER).getStatusCode());
    }

    APIGatewayProxyResponseEvent admin(APIGatewayProxyRequestEvent event) {
        return node.admin.handleRequest(event, null);
    }

    APIGatewayProxyResponseEvent read(APIGatewayProxyRequestEvent event) {
        return node.read.handleRequest(event, null);
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    /** A 400 whose message names {@code member}. */
    static void refused(APIGatewayProxyResponseEvent response, String member) {
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("BadRequestException", response.getHeaders().get("x-amzn-ErrorType"));
        String message = (String) Events.body(response).get("Message");
        assertTrue(message.contains(member), member + " not named in: " + message);
    }

    Map<String, Object> create(String name, String body) {
        return ok(admin(CalculatedEvents.definition("POST", DOMAIN, name, body)));
    }

    static String definition(String statistic, String expression, String attributes, String more) {
        return "{\"Statistic\":\"" + statistic + "\",\"AttributeDetails\":{\"Attributes\":[" + attributes + "],\"Expression\":\"" + expression
                + "\"}" + more + "}";
    }

    static final String AMOUNT = "{\"Name\":\"amount\"}";

    String order(String orderId, String email, String total) {
        APIGatewayProxyResponseEvent put = node.putObject(DOMAIN, "Order", Map.of("orderId", orderId, "email", email, "total", total));
        assertEquals(200, put.getStatusCode(), put.getBody());
        return (String) Events.body(put).get("ProfileObjectUniqueKey");
    }

    String profileOf(String email) {
        List<?> items = (List<?>) ok(read(Events.searchProfiles(DOMAIN, "_email", email))).get("Items");
        return (String) ((Map<?, ?>) items.get(0)).get("ProfileId");
    }

    Map<String, Object> value(String profileId, String name) {
        return ok(read(CalculatedEvents.value(DOMAIN, profileId, name)));
    }

    @Test
    void aNewDomainHasConnectsSevenDefaultsWhichCanBeDeletedAndCreatedAgain() {
        Map<String, Object> list = ok(admin(CalculatedEvents.listDefinitions(DOMAIN, null)));
        List<?> items = (List<?>) list.get("Items");
        assertEquals(List.of("_average_call_duration", "_average_hold_time", "_frequent_caller", "_last_agent_id", "_last_channel",
                "_most_frequent_channel", "_new_customer"), items.stream().map(i -> ((Map<?, ?>) i).get("CalculatedAttributeName")).toList());
        Map<?, ?> item = (Map<?, ?>) items.get(2);
        assertEquals(List.of("CalculatedAttributeName", "DisplayName", "Description", "Status"), List.copyOf(item.keySet()),
                "a list item holds only its members; a default has no timestamps");
        Map<String, Object> frequent = ok(admin(CalculatedEvents.definition("GET", DOMAIN, "_frequent_caller", null)));
        assertEquals("COUNT", frequent.get("Statistic"));
        assertEquals(Map.of("Range", Map.of("Value", new Json.JsonNumber("30"), "Unit", "DAYS"),
                "Threshold", Map.of("Value", "5", "Operator", "GREATER_THAN")), frequent.get("Conditions"));
        assertNull(frequent.get("CreatedAt"));

        assertEquals(Map.of(), ok(admin(CalculatedEvents.definition("DELETE", DOMAIN, "_frequent_caller", null))));
        assertEquals(404, admin(CalculatedEvents.definition("GET", DOMAIN, "_frequent_caller", null)).getStatusCode());
        assertEquals(404, admin(CalculatedEvents.definition("DELETE", DOMAIN, "_frequent_caller", null)).getStatusCode());
        assertEquals(6, ((List<?>) ok(admin(CalculatedEvents.listDefinitions(DOMAIN, null))).get("Items")).size(), "stays deleted");
        Map<String, Object> again = create("_frequent_caller", definition("COUNT", "{CTR.contactId}", "{\"Name\":\"contactId\"}",
                ",\"Conditions\":{\"Range\":{\"Value\":30,\"Unit\":\"DAYS\"},\"Threshold\":{\"Value\":\"5\",\"Operator\":\"GREATER_THAN\"}}"));
        assertTrue(again.get("CreatedAt") instanceof Json.JsonNumber, "created again by the caller: it has a creation time");
        assertEquals("COMPLETED", again.get("Status"));
        assertEquals(Map.of("ProgressPercentage", new Json.JsonNumber("100")), again.get("Readiness"));
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "_new_customer_2",
                definition("TIME_DIFFERENCE_FROM_NOW", "{Order.amount}", AMOUNT, ""))), "Statistic");
    }

    @Test
    void aDefinitionThatCannotWorkIsA400NamingTheMember() {
        String ok = definition("SUM", "{Order.amount}", AMOUNT, "");
        create("total", ok);
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "total", ok)), "already exists");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("MEDIAN", "{Order.amount}", AMOUNT, ""))), "Statistic");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.amount}", AMOUNT + ",{\"Name\":\"a\"},{\"Name\":\"b\"}", ""))),
                "AttributeDetails.Attributes");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.amount} + {CTR.amount}", AMOUNT, ""))),
                "AttributeDetails.Expression");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.total}", AMOUNT, ""))),
                "AttributeDetails.Expression");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Invoice.amount}", AMOUNT, ""))), "Invoice");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.amount}", AMOUNT,
                ",\"Conditions\":{\"Range\":{\"Value\":30}}"))), "Conditions.Range.Unit");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.amount}", AMOUNT,
                ",\"Conditions\":{\"Range\":{\"Unit\":\"DAYS\",\"ValueRange\":{\"Start\":1,\"End\":5}}}"))), "Conditions.Range.ValueRange.Start");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.amount}", AMOUNT,
                ",\"Conditions\":{\"Range\":{\"Unit\":\"DAYS\",\"Value\":3,\"TimestampSource\":\"{CTR.at}\"}}"))), "Conditions.Range.TimestampSource");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.amount}", AMOUNT,
                ",\"Conditions\":{\"Threshold\":{\"Value\":\"5\",\"Operator\":\"ABOUT\"}}"))), "Conditions.Threshold.Operator");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.amount}", AMOUNT,
                ",\"Filter\":{\"Include\":\"ALL\",\"Groups\":[{\"Type\":\"ALL\",\"Dimensions\":[{\"Attributes\":{\"amount\":"
                        + "{\"DimensionType\":\"BETWEEN\",\"Values\":[\"1\"]}}}]}]}"))), "BETWEEN needs exactly 2 Values");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "x", definition("SUM", "{Order.amount}", AMOUNT,
                ",\"Filter\":{\"Include\":\"SOME\",\"Groups\":[]}"))), "Filter.Include");
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "bad name", ok)), "CalculatedAttributeName");
        refused(admin(CalculatedEvents.definition("PUT", DOMAIN, "total", "{\"Statistic\":\"COUNT\"}")), "Statistic");
        assertEquals(404, admin(CalculatedEvents.definition("PUT", DOMAIN, "nothing", "{\"DisplayName\":\"x\"}")).getStatusCode());
        assertEquals(404, admin(CalculatedEvents.definition("GET", "NoSuchDomain", "total", null)).getStatusCode());

        // 50 per domain, the seven defaults included: 7 + "total" + 42 more, then the next one is refused.
        for (int i = 0; i < 42; i++) create("sum" + i, ok);
        refused(admin(CalculatedEvents.definition("POST", DOMAIN, "oneTooMany", ok)), "50");
        assertEquals(200, admin(CalculatedEvents.definition("DELETE", DOMAIN, "_last_channel", null)).getStatusCode());
        create("oneTooMany", ok); // deleting a default frees its place
    }

    @Test
    void updateReplacesConditionsAndAnswersWithoutFilter() {
        create("bigOrders", definition("COUNT", "{Order.amount}", AMOUNT, ",\"DisplayName\":\"Big orders\",\"Filter\":{\"Include\":\"ALL\","
                + "\"Groups\":[{\"Type\":\"ALL\",\"Dimensions\":[{\"Attributes\":{\"amount\":{\"DimensionType\":\"GREATER_THAN\",\"Values\":[\"100\"]}}}]}]}"));
        Map<String, Object> updated = ok(admin(CalculatedEvents.definition("PUT", DOMAIN, "bigOrders",
                "{\"Description\":\"orders over 100\",\"Conditions\":{\"Threshold\":{\"Value\":\"1\",\"Operator\":\"GREATER_THAN\"}}}")));
        assertFalse(updated.containsKey("Filter"), "the model's Update response has no Filter");
        assertEquals("Big orders", updated.get("DisplayName"));
        assertEquals("orders over 100", updated.get("Description"));
        Map<String, Object> got = ok(admin(CalculatedEvents.definition("GET", DOMAIN, "bigOrders", null)));
        assertTrue(got.containsKey("Filter"));
        assertEquals(Map.of("Threshold", Map.of("Value", "1", "Operator", "GREATER_THAN")), got.get("Conditions"));

        order("o-1", "big@example.com", "150");
        order("o-2", "big@example.com", "20");
        String profile = profileOf("big@example.com");
        assertEquals("false", value(profile, "bigOrders").get("Value"), "one order over 100 is not more than 1");
        order("o-3", "big@example.com", "101.5");
        assertEquals("true", value(profile, "bigOrders").get("Value"));
    }

    @Test
    void aValueReadAfterAPutReflectsItAndRetractsOnDeleteMergeAndDeleteProfile() {
        create("orders", definition("COUNT", "{Order.amount}", AMOUNT, ",\"UseHistoricalData\":true"));
        create("total", definition("SUM", "{Order.amount}", AMOUNT, ",\"UseHistoricalData\":true"));
        create("average", definition("AVERAGE", "{Order.amount}", AMOUNT, ",\"UseHistoricalData\":true"));
        create("lastAmount", definition("LAST_OCCURRENCE", "{Order.amount}", AMOUNT, ",\"UseHistoricalData\":true"));
        String first = order("a-1", "ann@example.com", "10");
        String ann = profileOf("ann@example.com");
        for (int i = 2; i <= 5; i++) {
            order("a-" + i, "ann@example.com", Integer.toString(i * 10));
            assertEquals(Integer.toString(i), value(ann, "orders").get("Value"), "read your writes: every put counted at once");
        }
        assertEquals("150", value(ann, "total").get("Value"));
        assertEquals("30", value(ann, "average").get("Value"));
        Map<String, Object> total = value(ann, "total");
        assertEquals(List.of("CalculatedAttributeName", "IsDataPartial", "Value", "LastObjectTimestamp"), List.copyOf(total.keySet()));
        assertEquals("false", total.get("IsDataPartial"));

        ok(node.lifecycle.handleRequest(Events.request("POST", ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE, DOMAIN,
                Json.write(Map.of("ProfileId", ann, "ObjectTypeName", "Order", "ProfileObjectUniqueKey", first))), null));
        assertEquals("4", value(ann, "orders").get("Value"), "DeleteProfileObject retracts");
        assertEquals("140", value(ann, "total").get("Value"));

        order("b-1", "bob@example.com", "1000");
        String bob = profileOf("bob@example.com");
        assertEquals("1000", value(bob, "lastAmount").get("Value"));
        ok(node.lifecycle.handleRequest(Events.request("POST", ProfileLifecycleHandler.MERGE_RESOURCE, DOMAIN,
                Json.write(Map.of("MainProfileId", ann, "ProfileIdsToBeMerged", List.of(bob)))), null));
        assertEquals("5", value(ann, "orders").get("Value"), "the main profile covers the merged objects");
        assertEquals("1140", value(ann, "total").get("Value"));
        assertEquals(404, read(CalculatedEvents.value(DOMAIN, bob, "orders")).getStatusCode(), "a merged-away id is gone");

        ok(node.lifecycle.handleRequest(Events.request("POST", ProfileLifecycleHandler.DELETE_RESOURCE, DOMAIN,
                Json.write(Map.of("ProfileId", ann))), null));
        assertEquals(404, read(CalculatedEvents.value(DOMAIN, ann, "orders")).getStatusCode(), "DeleteProfile leaves nothing");
        assertEquals(404, read(CalculatedEvents.values(DOMAIN, ann, null)).getStatusCode());
    }

    @Test
    void firstAndLastFollowTheOrderOfPutsWithinOneSecond() {
        create("firstAmount", definition("FIRST_OCCURRENCE", "{Order.amount}", AMOUNT, ",\"UseHistoricalData\":true"));
        create("lastAmount", definition("LAST_OCCURRENCE", "{Order.amount}", AMOUNT, ",\"UseHistoricalData\":true"));
        // Eight puts within one second, a millisecond apart: the order of ingestion, not of the unique keys, decides.
        MutableClock clock = new MutableClock(java.time.Instant.parse("2030-01-01T00:00:00.100Z"));
        Node timed = new Node(table, clock);
        for (int i = 1; i <= 8; i++) {
            assertEquals(200, timed.putObject(DOMAIN, "Order", Map.of("orderId", "t-" + i, "email", "tia@example.com",
                    "total", Integer.toString(i))).getStatusCode());
            clock.advance(java.time.Duration.ofMillis(1));
        }
        String tia = profileOf("tia@example.com");
        assertEquals("1", ok(timed.read.handleRequest(CalculatedEvents.value(DOMAIN, tia, "firstAmount"), null)).get("Value"));
        assertEquals("8", ok(timed.read.handleRequest(CalculatedEvents.value(DOMAIN, tia, "lastAmount"), null)).get("Value"));
    }

    @Test
    void listAndBatchGetAnswerEveryDefinitionAndEveryProfile() {
        create("total", definition("SUM", "{Order.amount}", AMOUNT, ",\"DisplayName\":\"Total spent\",\"UseHistoricalData\":true"));
        order("c-1", "cat@example.com", "7.25");
        order("c-2", "cat@example.com", "2.75");
        order("d-1", "dan@example.com", "3");
        String cat = profileOf("cat@example.com");
        String dan = profileOf("dan@example.com");

        Map<String, Object> page = ok(read(CalculatedEvents.values(DOMAIN, cat, Map.of("max-results", "5"))));
        List<?> items = (List<?>) page.get("Items");
        assertEquals(5, items.size());
        Map<String, Object> rest = ok(read(CalculatedEvents.values(DOMAIN, cat, Map.of("next-token", (String) page.get("NextToken")))));
        List<Map<?, ?>> all = new java.util.ArrayList<>();
        items.forEach(i -> all.add((Map<?, ?>) i));
        ((List<?>) rest.get("Items")).forEach(i -> all.add((Map<?, ?>) i));
        Map<Object, Object> byName = all.stream().collect(Collectors.toMap(i -> i.get("CalculatedAttributeName"), i -> i));
        assertEquals(8, byName.size(), "the seven defaults and one custom attribute");
        assertEquals("10", ((Map<?, ?>) byName.get("total")).get("Value"));
        assertEquals("true", ((Map<?, ?>) byName.get("_new_customer")).get("Value"), "a profile created today is new");
        assertFalse(((Map<?, ?>) byName.get("_last_channel")).containsKey("Value"), "no contact records: no value");
        assertEquals("false", ((Map<?, ?>) byName.get("_frequent_caller")).get("Value"), "no calls: a count of 0 is not over 5");

        String unknown = "0123456789abcdef0123456789abcdef";
        Map<String, Object> batch = ok(read(CalculatedEvents.batch(DOMAIN, "total", Json.write(Map.of("ProfileIds", List.of(cat, unknown, dan, cat),
                "ConditionOverrides", Map.of("Range", Map.of("Start", 1, "Unit", "DAYS")))))));
        assertEquals(List.of(Map.of("Code", "ResourceNotFoundException", "Message", "Profile '" + unknown + "' does not exist",
                "ProfileId", unknown)), batch.get("Errors"));
        List<?> values = (List<?>) batch.get("CalculatedAttributeValues");
        assertEquals(2, values.size(), "a profile named twice is answered once");
        assertEquals(Map.of("CalculatedAttributeName", "total", "DisplayName", "Total spent", "IsDataPartial", "false", "ProfileId", cat,
                "Value", "10"), without((Map<?, ?>) values.get(0), "LastObjectTimestamp"));
        assertEquals("3", ((Map<?, ?>) values.get(1)).get("Value"));
        assertEquals(Map.of("Range", Map.of("Start", new Json.JsonNumber("1"), "Unit", "DAYS")), batch.get("ConditionOverrides"));
        Map<String, Object> future = ok(read(CalculatedEvents.batch(DOMAIN, "total", Json.write(Map.of("ProfileIds", List.of(cat),
                "ConditionOverrides", Map.of("Range", Map.of("Start", -1, "End", -2, "Unit", "DAYS")))))));
        assertFalse(((Map<?, ?>) ((List<?>) future.get("CalculatedAttributeValues")).get(0)).containsKey("Value"), "a window in the future");

        refused(read(CalculatedEvents.batch(DOMAIN, "total", "{\"ProfileIds\":[]}")), "ProfileIds");
        refused(read(CalculatedEvents.batch(DOMAIN, "total", "{\"ProfileIds\":[\"" + cat + "\"],\"ConditionOverrides\":{\"Range\":{\"Unit\":\"DAYS\"}}}")),
                "ConditionOverrides.Range.Start");
        refused(read(CalculatedEvents.value(DOMAIN, "not-an-id", "total")), "ProfileId");
        assertEquals(404, read(CalculatedEvents.batch(DOMAIN, "nothing", Json.write(Map.of("ProfileIds", List.of(cat))))).getStatusCode());
        assertEquals(404, read(CalculatedEvents.value(DOMAIN, cat, "nothing")).getStatusCode());
        assertEquals(404, read(CalculatedEvents.value(DOMAIN, unknown, "total")).getStatusCode());
    }

    @Test
    void aProfileOfAHundredObjectsCostsTwoCallsAndADefinitionCreatedElsewhereIsSeenAtOnce() {
        for (int i = 0; i < 100; i++) order("e-" + i, "eve@example.com", "1");
        String eve = profileOf("eve@example.com");
        Node other = new Node(table);
        // The other container has the domain cached before the definition exists.
        assertEquals(404, other.read.handleRequest(CalculatedEvents.value(DOMAIN, eve, "count"), null).getStatusCode());
        create("count", definition("COUNT", "{Order.amount}", AMOUNT, ",\"UseHistoricalData\":true"));
        assertEquals("100", Events.body(other.read.handleRequest(CalculatedEvents.value(DOMAIN, eve, "count"), null)).get("Value"));
        assertEquals(List.of("BatchGetItem", "BatchGetItem"),
                other.callsOf(() -> other.read.handleRequest(CalculatedEvents.value(DOMAIN, eve, "count"), null)),
                "profile, shards and configuration in one read; the 100 objects in a second");
    }

    private static Map<Object, Object> without(Map<?, ?> map, String key) {
        Map<Object, Object> copy = new java.util.LinkedHashMap<>(map);
        copy.remove(key);
        return copy;
    }
}

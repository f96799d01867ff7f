package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.TestDomains;

/** AddProfileKey, SearchProfiles and ListProfileObjects through their handlers, against DynamoDB Local. */
class ProfileKeyStoryTest {
    static final String DOMAIN = "ExampleDomainName";
    static ProfileStore store;
    static StoredData stored;
    static PutProfileObjectHandler put;
    static AddProfileKeyHandler addKey;
    static ReadProfilesHandler read;

    @BeforeAll
    static void setUp() {
        String table = LocalDynamo.newTable();
        store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        stored = new StoredData(LocalDynamo.client(), table);
        Domains domains = TestDomains.all();
        put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
        addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        read = new ReadProfilesHandler(new ProfileReadService(domains, store));
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    static String ctr(String contactId, String phone) {
        return "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("Items");
    }

    @Test
    void aKeyAddedToAnInferredProfilePinsTheLaterContactRecord() {
        String first = ctr("story-a", "+1 (206) 555-0142");
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", first), null));

        List<Map<String, Object>> found = items(ok(read.handleRequest(Events.searchProfiles(DOMAIN, "_phone", "2065550142"), null)));
        assertEquals(1, found.size());
        String profileId = (String) found.get(0).get("ProfileId");
        assertEquals("+1 (206) 555-0142", found.get(0).get("PhoneNumber"));
        assertEquals(List.of(Map.of("KeyName", "_phone", "Values", List.of("2065550142"))), found.get(0).get("FoundByItems"));

        Map<String, Object> echo = ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, profileId, "_ctrContactId", "story-x"), null));
        assertEquals(Map.of("KeyName", "_ctrContactId", "Values", List.of("story-x")), echo);
        ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, profileId, "_ctrContactId", "story-x"), null));

        String second = ctr("story-x", "+1 (425) 555-0199");
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", second), null));

        List<Map<String, Object>> objects = items(ok(read.handleRequest(Events.listProfileObjects(DOMAIN, "CTR", profileId), null)));
        Set<Object> bodies = new HashSet<>();
        for (Map<String, Object> item : objects) {
            assertEquals("CTR", item.get("ObjectTypeName"));
            bodies.add(item.get("Object"));
        }
        assertEquals(Set.of(first, second), bodies);

        List<Map<String, Object>> byContact = items(ok(read.handleRequest(Events.searchProfiles(DOMAIN, "_ctrContactId", "story-x"), null)));
        assertEquals(1, byContact.size());
        assertEquals(profileId, byContact.get(0).get("ProfileId"));
    }

    @Test
    void aValueHeldByAnotherProfileBecomesAmbiguousNotMoved() {
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("amb-1", "+1 503 555 0101")), null));
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("amb-2", "+1 503 555 0102")), null));
        String p1 = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+15035550101")).iterator().next();
        String p2 = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+15035550102")).iterator().next();

        // Values are normalised by the key's content type: this is the same _phone as p1's.
        ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, p2, "_phone", "(503) 555-0101"), null));

        assertEquals(Set.of(p1, p2), stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+15035550101")));
        // Now ambiguous: a new record from that phone attaches to neither and creates a profile.
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("amb-3", "503-555-0101")), null));
        Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "amb-3"));
        assertEquals(1, holders.size());
        assertTrue(!holders.contains(p1) && !holders.contains(p2));
    }

    /**
     * Phone numbers as keys (spec section 10): the key stored from one written form is found by any
     * other, and AddProfileKey normalises {@code _phone} values by the same rules.
     */
    @Test
    void anyWrittenFormOfAPhoneFindsTheProfile() {
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("phone-ext", "206-345-7890 ext. 123")), null));
        assertEquals(1, stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+12063457890")).size(), "the key drops the extension");

        List<Map<String, Object>> found = items(ok(read.handleRequest(Events.searchProfiles(DOMAIN, "_phone", "+1 (206) 345-7890"), null)));
        assertEquals(1, found.size());
        String profileId = (String) found.get(0).get("ProfileId");
        assertEquals("206-345-7890 ext. 123", found.get(0).get("PhoneNumber"), "the profile field keeps the text as written");
        assertEquals(List.of(Map.of("KeyName", "_phone", "Values", List.of("+1 (206) 345-7890"))), found.get(0).get("FoundByItems"));
        for (String written : List.of("tel:+1-206-345-7890", "2063457890", "1-206-345-7890", "206.345.7890 #12", "(206) 345-7890 x9")) {
            List<Map<String, Object>> again = items(ok(read.handleRequest(Events.searchProfiles(DOMAIN, "_phone", written), null)));
            assertEquals(List.of(profileId), again.stream().map(item -> item.get("ProfileId")).toList(), written);
        }
        assertEquals(List.of(), items(ok(read.handleRequest(Events.searchProfiles(DOMAIN, "_phone", "206-FLOWERS"), null))),
                "a value that is not a phone number finds nothing");

        Map<String, Object> echo = ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, profileId, "_phone",
                "tel:+44 (0)20 7946 0958", "0044 20 7946 0958", "0412 345 678"), null));
        assertEquals(List.of("tel:+44 (0)20 7946 0958", "0044 20 7946 0958", "0412 345 678"), echo.get("Values"), "echoed as sent");
        assertEquals(Set.of(profileId), stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+442079460958")));
        assertEquals(Set.of(profileId), stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "0412345678")), "no country guessed");
        for (String written : List.of("+44 20 7946 0958", "011 44 20 7946 0958", "0412-345-678")) {
            List<Map<String, Object>> byAdded = items(ok(read.handleRequest(Events.searchProfiles(DOMAIN, "_phone", written), null)));
            assertEquals(List.of(profileId), byAdded.stream().map(item -> item.get("ProfileId")).toList(), written);
        }

        for (String notAPhone : List.of("206-FLOWERS", "12345", "+1234567890123456")) {
            APIGatewayProxyResponseEvent refused = addKey.handleRequest(Events.addProfileKey(DOMAIN, profileId, "_phone", notAPhone), null);
            assertEquals(400, refused.getStatusCode(), refused.getBody());
            String message = (String) Events.body(refused).get("Message");
            assertTrue(message.contains("'" + notAPhone + "'") && message.contains("not a phone number"), message);
        }
    }

    /** A \\u escape with non-ASCII digits (here fullwidth) is a 400 that says what an escape needs. */
    @Test
    void aUnicodeEscapeWithNonAsciiDigitsIsA400InPlainWords() {
        String body = "{\"ProfileId\":\"0123456789abcdef0123456789abcdef\",\"KeyName\":\"k\",\"Values\":[\"\\u\uff10\uff10\uff14\uff11\"]}";
        APIGatewayProxyResponseEvent response = addKey.handleRequest(Events.request("POST", AddProfileKeyHandler.RESOURCE, DOMAIN, body), null);
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("BadRequestException", response.getHeaders().get("x-amzn-ErrorType"));
        String message = (String) Events.body(response).get("Message");
        assertTrue(message.startsWith("Request body is not valid JSON: a \\u escape must be followed by exactly four hexadecimal digits"
                + " (0-9, a-f or A-F)"), message);
    }

    @Test
    void anUnknownProfileIsA404AndNoKeyIsWritten() {
        APIGatewayProxyResponseEvent response = addKey.handleRequest(
                Events.addProfileKey(DOMAIN, "0123456789abcdef0123456789abcdef", "_ctrContactId", "orphan"), null);
        assertEquals(404, response.getStatusCode());
        assertEquals("ResourceNotFoundException", response.getHeaders().get("x-amzn-ErrorType"));
        assertTrue(stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "orphan")).isEmpty());
    }

    @Test
    void pagesWalkEveryObjectOnceAndForgedTokensAre400() {
        for (int i = 0; i < 5; i++) ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("page-" + i, "+1 971 555 0155")), null));
        String profileId = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+19715550155")).iterator().next();

        List<Object> seen = new ArrayList<>();
        String token = null;
        do {
            APIGatewayProxyRequestEvent event = Events.listProfileObjects(DOMAIN, "CTR", profileId);
            event.setQueryStringParameters(token == null ? Map.of("max-results", "2") : Map.of("max-results", "2", "next-token", token));
            Map<String, Object> body = ok(read.handleRequest(event, null));
            items(body).forEach(item -> seen.add(item.get("ProfileObjectUniqueKey")));
            token = (String) body.get("NextToken");
        } while (token != null);
        assertEquals(5, seen.size());
        assertEquals(5, new HashSet<>(seen).size());

        for (String forged : new String[] {"garbage!", "eyJ4IjoxfQ", "e30", java.util.Base64.getUrlEncoder().encodeToString(
                ("{\"pk\":\"x\",\"gsi1pk\":\"D#" + DOMAIN + "#P#" + "f".repeat(32) + "#T#CTR\",\"gsi1sk\":\"y\"}").getBytes())}) {
            APIGatewayProxyRequestEvent event = Events.listProfileObjects(DOMAIN, "CTR", profileId);
            event.setQueryStringParameters(Map.of("next-token", forged));
            APIGatewayProxyResponseEvent response = read.handleRequest(event, null);
            assertEquals(400, response.getStatusCode(), forged + " -> " + response.getBody());
            APIGatewayProxyRequestEvent search = Events.searchProfiles(DOMAIN, "_phone", "+19715550155");
            search.setQueryStringParameters(Map.of("next-token", forged));
            assertEquals(400, read.handleRequest(search, null).getStatusCode(), forged);
        }
    }

    @Test
    void searchPagesAndCombinesKeys() {
        for (int i = 0; i < 3; i++) {
            ok(put.handleRequest(Events.putProfileObject("TestDomain", "Account",
                    "{\"email\":\"pager" + i + "@example.com\",\"phone\":\"+1 612 555 0170\",\"name\":\"Pat\"}"), null));
        }
        APIGatewayProxyRequestEvent first = Events.searchProfiles("TestDomain", "_phone", "612-555-0170");
        first.setQueryStringParameters(Map.of("max-results", "2"));
        Map<String, Object> page1 = ok(read.handleRequest(first, null));
        assertEquals(2, items(page1).size());
        assertNotNull(page1.get("NextToken"));
        APIGatewayProxyRequestEvent second = Events.searchProfiles("TestDomain", "_phone", "612-555-0170");
        second.setQueryStringParameters(Map.of("max-results", "2", "next-token", (String) page1.get("NextToken")));
        Map<String, Object> page2 = ok(read.handleRequest(second, null));
        assertEquals(1, items(page2).size());
        assertNull(page2.get("NextToken"));

        String and = "{\"KeyName\":\"_phone\",\"Values\":[\"6125550170\"],\"LogicalOperator\":\"AND\","
                + "\"AdditionalSearchKeys\":[{\"KeyName\":\"_email\",\"Values\":[\"PAGER1@example.com\"]}]}";
        List<Map<String, Object>> both = items(ok(read.handleRequest(
                Events.request("POST", ReadProfilesHandler.SEARCH_RESOURCE, "TestDomain", and), null)));
        assertEquals(1, both.size());
        assertEquals("pager1@example.com", both.get(0).get("EmailAddress"));
        assertEquals(2, ((List<?>) both.get(0).get("FoundByItems")).size());
    }

    static Stream<Arguments> badAddProfileKey() {
        String id = "0123456789abcdef0123456789abcdef";
        String path = "/domains/{DomainName}/profiles/keys";
        return Stream.of(
                Arguments.of(Events.addProfileKey(DOMAIN, "0123456789ABCDEF0123456789ABCDEF", "_phone", "1"), "ProfileId"),
                Arguments.of(Events.addProfileKey(DOMAIN, "x" + id, "_phone", "1"), "ProfileId"),
                Arguments.of(Events.addProfileKey(DOMAIN, id, "bad key", "1"), "KeyName"),
                Arguments.of(Events.addProfileKey(DOMAIN, id, "k".repeat(65), "1"), "KeyName"),
                Arguments.of(Events.addProfileKey(DOMAIN, id, "_phone"), "Values"),
                Arguments.of(Events.addProfileKey(DOMAIN, id, "_phone", ""), "Values"),
                Arguments.of(Events.addProfileKey(DOMAIN, id, "_phone", "v".repeat(256)), "Values"),
                Arguments.of(Events.addProfileKey(DOMAIN, id, "_phone", java.util.Collections.nCopies(21, "v").toArray(new String[0])), "Values"),
                Arguments.of(Events.request("POST", path, DOMAIN, "{\"ProfileId\":\"" + id + "\",\"KeyName\":\"k\",\"Values\":\"v\"}"), "Values"),
                Arguments.of(Events.request("POST", path, DOMAIN, "{\"ProfileId\":\"" + id + "\",\"KeyName\":\"k\",\"Values\":[1]}"), "Values"),
                Arguments.of(Events.request("POST", path, DOMAIN, "{\"KeyName\":\"k\",\"Values\":[\"v\"]}"), "ProfileId"),
                Arguments.of(Events.addProfileKey("bad domain", id, "_phone", "1"), "DomainName"));
    }

    @ParameterizedTest
    @MethodSource("badAddProfileKey")
    void badAddProfileKeyInputIsA400NamingTheField(APIGatewayProxyRequestEvent event, String field) {
        APIGatewayProxyResponseEvent response = addKey.handleRequest(event, null);
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertTrue(((String) Events.body(response).get("Message")).contains(field), response.getBody());
    }
}

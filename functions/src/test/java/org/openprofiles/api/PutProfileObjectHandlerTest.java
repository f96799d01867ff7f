package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.StoredData;
import org.openprofiles.store.ProfileStore.StoredObject;
import org.openprofiles.store.ProfileStore.StoredProfile;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.TestDomains;

/** PutProfileObject end to end through the handler, against DynamoDB Local. */
class PutProfileObjectHandlerTest {
    static final String EXAMPLE = "ExampleDomainName";
    static final String JOHN = "{\"firstName\":\"John\",\"lastName\":\"Smith\",\"isAlive\":true,\"age\":27,"
            + "\"address\":{\"streetAddress\":\"21 2nd Street\",\"city\":\"New York\",\"state\":\"NY\",\"postalCode\":\"10021-3100\"},"
            + "\"phoneNumbers\":[{\"type\":\"home\",\"number\":\"212 555-1234\"},{\"type\":\"office\",\"number\":\"646 555-4567\"}],"
            + "\"children\":[],\"spouse\":null}";

    static ProfileStore store;
    static StoredData stored;
    static PutProfileObjectHandler handler;

    @BeforeAll
    static void setUp() {
        String table = LocalDynamo.newTable();
        store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        stored = new StoredData(LocalDynamo.client(), table);
        handler = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));
    }

    static APIGatewayProxyResponseEvent put(String domain, String type, String object) {
        return handler.handleRequest(Events.putProfileObject(domain, type, object), null);
    }

    static String uniqueKeyOf(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return (String) Events.body(response).get("ProfileObjectUniqueKey");
    }

    static String ctr(String contactId, String phone) {
        return "{\"contactId\":\"" + contactId + "\",\"channel\":\"VOICE\",\"customerEndpoint\":{\"address\":\"" + phone
                + "\",\"type\":\"TELEPHONE_NUMBER\"}}";
    }

    static String onlyHolder(String domain, String keyName, String value) {
        Set<String> holders = stored.profilesWithKey(domain, new KeyValue(keyName, value));
        assertEquals(1, holders.size(), keyName + " holders: " + holders);
        return holders.iterator().next();
    }

    @Test
    void customObjectCreatesAnInferredProfileWithTargetsAndKeys() {
        String uniqueKey = uniqueKeyOf(put(EXAMPLE, "MyCustomObjectName", JOHN));
        assertTrue(uniqueKey.length() >= 1 && uniqueKey.length() <= 255);

        String profileId = onlyHolder(EXAMPLE, "_phone", "+12125551234");
        assertTrue(profileId.matches("[a-f0-9]{32}"), profileId);
        assertEquals(profileId, onlyHolder(EXAMPLE, "_fullName", "john smith"));
        StoredProfile profile = stored.profile(EXAMPLE, profileId).orElseThrow();
        assertEquals(Map.of(
                "FirstName", "John", "LastName", "Smith",
                "HomePhoneNumber", "212 555-1234", "BusinessPhoneNumber", "646 555-4567",
                "PhoneNumber", "212 555-1234", "Address.City", "New York", "Attributes.age", "27"), profile.fields());

        StoredObject object = stored.object(EXAMPLE, "MyCustomObjectName", uniqueKey).orElseThrow();
        assertEquals(profileId, object.profileId());
        assertEquals(JOHN, object.object());
    }

    @Test
    void rePutOfTheSameUniqueKeyReplacesTheObjectInPlace() {
        String first = "{\"firstName\":\"Ann\",\"lastName\":\"Lee\",\"age\":30,\"phoneNumbers\":[{\"number\":\"(425) 555-0101\"}]}";
        String second = "{\"firstName\":\"Ann\",\"lastName\":\"Lee\",\"age\":31,\"address\":{\"city\":\"Seattle\"},"
                + "\"phoneNumbers\":[{\"number\":\"425-555-0101\"}]}";
        String key1 = uniqueKeyOf(put(EXAMPLE, "MyCustomObjectName", first));
        String key2 = uniqueKeyOf(put(EXAMPLE, "MyCustomObjectName", second));

        assertEquals(key1, key2);
        String profileId = onlyHolder(EXAMPLE, "_phone", "+14255550101");
        StoredObject object = stored.object(EXAMPLE, "MyCustomObjectName", key1).orElseThrow();
        assertEquals(second, object.object());
        assertEquals(profileId, object.profileId());
        Map<String, String> fields = stored.profile(EXAMPLE, profileId).orElseThrow().fields();
        assertEquals("31", fields.get("Attributes.age"));
        assertEquals("Seattle", fields.get("Address.City"));
        assertEquals("Ann", fields.get("FirstName"), "fields without a new value keep the old one");
    }

    @Test
    void emptyValuesNeverBlankAProfileField() {
        uniqueKeyOf(put(EXAMPLE, "MyCustomObjectName",
                "{\"firstName\":\"Bo\",\"lastName\":\"Chan\",\"address\":{\"city\":\"Austin\"},\"phoneNumbers\":[{\"number\":\"5125550199\"}]}"));
        uniqueKeyOf(put(EXAMPLE, "MyCustomObjectName",
                "{\"firstName\":\"Bo\",\"lastName\":\"Chan\",\"address\":{\"city\":\"\"},\"phoneNumbers\":[{\"number\":\"512 555 0199\"}]}"));
        String profileId = onlyHolder(EXAMPLE, "_phone", "+15125550199");
        assertEquals("Austin", stored.profile(EXAMPLE, profileId).orElseThrow().fields().get("Address.City"));
    }

    @Test
    void contactRecordsWithTheSamePhoneInAnyFormatShareOneInferredProfile() {
        String key1 = uniqueKeyOf(put(EXAMPLE, "CTR", ctr("c-100", "+1 (206) 555-0100")));
        String key2 = uniqueKeyOf(put(EXAMPLE, "CTR", ctr("c-101", "206-555-0100")));
        // PascalCase records, as Amazon Connect exports them, are accepted too.
        String key3 = uniqueKeyOf(put(EXAMPLE, "CTR",
                "{\"ContactId\":\"c-102\",\"CustomerEndpoint\":{\"Address\":\"+12065550100\",\"Type\":\"TELEPHONE_NUMBER\"}}"));
        assertNotEquals(key1, key2);

        String profileId = onlyHolder(EXAMPLE, "_phone", "+12065550100");
        assertEquals(Map.of("PhoneNumber", "+1 (206) 555-0100"), stored.profile(EXAMPLE, profileId).orElseThrow().fields(),
                "an inferred profile from a contact record holds only the phone number");
        for (String key : new String[] {key1, key2, key3}) {
            assertEquals(profileId, stored.object(EXAMPLE, "CTR", key).orElseThrow().profileId());
        }
        assertEquals(profileId, onlyHolder(EXAMPLE, "_ctrContactId", "c-101"));
        assertEquals(profileId, onlyHolder(EXAMPLE, "_ctrContactId", "c-102"));
    }

    @Test
    void anAmbiguousKeyIsSkippedAndCreationDecides() {
        uniqueKeyOf(put("TestDomain", "Account", "{\"email\":\"a@example.com\",\"phone\":\"+1 303 555 0111\"}"));
        uniqueKeyOf(put("TestDomain", "Account", "{\"email\":\"B@example.com\",\"phone\":\"303.555.0111\"}"));
        Set<String> sharing = stored.profilesWithKey("TestDomain", new KeyValue("_phone", "+13035550111"));
        assertEquals(2, sharing.size());

        String key = uniqueKeyOf(put("TestDomain", "CTR", ctr("c-200", "3035550111")));
        String profileId = stored.object("TestDomain", "CTR", key).orElseThrow().profileId();
        assertTrue(profileId != null && !sharing.contains(profileId), "an ambiguous _phone never attaches");
        assertEquals(profileId, onlyHolder("TestDomain", "_ctrContactId", "c-200"));

        // The implicit CTR-AutoAssociateOnly type may not create: the record is kept, unattached.
        String unmatched = uniqueKeyOf(put("TestDomain", "CTR-AutoAssociateOnly", ctr("c-201", "3035550111")));
        StoredObject kept = stored.object("TestDomain", "CTR-AutoAssociateOnly", unmatched).orElseThrow();
        assertNull(kept.profileId());
        assertTrue(stored.profilesWithKey("TestDomain", new KeyValue("_ctrContactId", "c-201")).isEmpty());
    }

    @Test
    void allowProfileCreationFalseAttachesWhenExactlyOneProfileMatches() {
        uniqueKeyOf(put(EXAMPLE, "CTR", ctr("c-300", "+1 415 555 0123")));
        String profileId = onlyHolder(EXAMPLE, "_phone", "+14155550123");
        String key = uniqueKeyOf(put(EXAMPLE, "CTR-AutoAssociateOnly", ctr("c-301", "(415) 555-0123")));
        assertEquals(profileId, stored.object(EXAMPLE, "CTR-AutoAssociateOnly", key).orElseThrow().profileId());
    }

    @Test
    void aRePutThatResolvesToAnotherProfileMovesTheObjectAndOtherwiseStays() {
        uniqueKeyOf(put("TestDomain", "Account", "{\"email\":\"first@example.com\"}"));
        uniqueKeyOf(put("TestDomain", "Account", "{\"email\":\"second@example.com\"}"));
        String first = onlyHolder("TestDomain", "_email", "first@example.com");
        String second = onlyHolder("TestDomain", "_email", "second@example.com");

        String key = uniqueKeyOf(put("TestDomain", "Order", "{\"orderNumber\":\"o-1\",\"buyer\":{\"email\":\"First@example.com\"}}"));
        assertEquals(first, stored.object("TestDomain", "Order", key).orElseThrow().profileId());

        String moved = "{\"orderNumber\":\"o-1\",\"buyer\":{\"email\":\"second@example.com\"}}";
        assertEquals(key, uniqueKeyOf(put("TestDomain", "Order", moved)), "the same ProfileObjectUniqueKey");
        StoredObject object = stored.object("TestDomain", "Order", key).orElseThrow();
        assertEquals(second, object.profileId());
        assertEquals(moved, object.object());

        // A re-put whose key matches nobody stays where it is instead of creating a profile.
        uniqueKeyOf(put("TestDomain", "Order", "{\"orderNumber\":\"o-1\",\"buyer\":{\"email\":\"nobody@example.com\"}}"));
        assertEquals(second, stored.object("TestDomain", "Order", key).orElseThrow().profileId());
        assertEquals(Set.of(second), stored.profilesWithKey("TestDomain", new KeyValue("_email", "nobody@example.com")));
    }

    @Test
    void aBase64BodyIsDecoded() {
        APIGatewayProxyRequestEvent event = Events.putProfileObject(EXAMPLE, "CTR", ctr("c-400", "+1 212 555 0400"));
        event.withBody(Base64.getEncoder().encodeToString(event.getBody().getBytes(StandardCharsets.UTF_8)))
                .withIsBase64Encoded(true);
        uniqueKeyOf(handler.handleRequest(event, null));
    }

    @Test
    void errorsUseTheRestJsonWireFormat() {
        APIGatewayProxyResponseEvent response = put(EXAMPLE, "1nvalid", "{}");
        assertEquals(400, response.getStatusCode());
        assertEquals("BadRequestException", response.getHeaders().get("x-amzn-ErrorType"));
        assertEquals("test-request", response.getHeaders().get("x-amzn-RequestId"));
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        Map<String, Object> body = Events.body(response);
        assertEquals(Set.of("Message", "__type"), body.keySet());
        assertEquals("BadRequestException", body.get("__type"));
        assertTrue(((String) body.get("Message")).contains("ObjectTypeName"), (String) body.get("Message"));
    }

    static Stream<Arguments> badRequests() {
        String object = ctr("c-1", "+1 206 555 0100");
        String longJson = "{\"a\":\"" + "x".repeat(256_000 - 8) + "\"}";
        String wideJson = "{\"a\":\"" + "\u00e9".repeat(130_000) + "\"}";
        return Stream.of(
                Arguments.of("no body", body(EXAMPLE, null), "body"),
                Arguments.of("body not JSON", body(EXAMPLE, "{\"ObjectTypeName\":"), "body"),
                Arguments.of("body an array", body(EXAMPLE, "[]"), "body"),
                Arguments.of("ObjectTypeName missing", body(EXAMPLE, "{\"Object\":\"{}\"}"), "ObjectTypeName"),
                Arguments.of("ObjectTypeName a number", body(EXAMPLE, "{\"ObjectTypeName\":5,\"Object\":\"{}\"}"), "ObjectTypeName"),
                Arguments.of("ObjectTypeName empty", Events.putProfileObject(EXAMPLE, "", object), "ObjectTypeName"),
                Arguments.of("ObjectTypeName too long", Events.putProfileObject(EXAMPLE, "a".repeat(256), object), "ObjectTypeName"),
                Arguments.of("ObjectTypeName pattern", Events.putProfileObject(EXAMPLE, "CTR!", object), "ObjectTypeName"),
                Arguments.of("ObjectTypeName standard", Events.putProfileObject(EXAMPLE, "_profile", object), "ObjectTypeName"),
                Arguments.of("Object missing", body(EXAMPLE, "{\"ObjectTypeName\":\"CTR\"}"), "Object"),
                Arguments.of("Object not a string", body(EXAMPLE, "{\"ObjectTypeName\":\"CTR\",\"Object\":{}}"), "Object"),
                Arguments.of("Object empty", Events.putProfileObject(EXAMPLE, "CTR", ""), "Object"),
                Arguments.of("Object not JSON", Events.putProfileObject(EXAMPLE, "CTR", "{\"contactId\":"), "Object"),
                Arguments.of("Object an array", Events.putProfileObject(EXAMPLE, "CTR", "[1]"), "Object"),
                Arguments.of("Object too long", Events.putProfileObject(EXAMPLE, "CTR", longJson + " "), "Object"),
                Arguments.of("Object too many bytes", Events.putProfileObject(EXAMPLE, "CTR", wideJson), "Object"),
                Arguments.of("Object lone surrogate", Events.putProfileObject(EXAMPLE, "CTR", "{\"contactId\":\"\\ud800\"}"), "Object"),
                Arguments.of("UNIQUE key empty", Events.putProfileObject(EXAMPLE, "CTR", "{\"channel\":\"VOICE\"}"), "UNIQUE"),
                Arguments.of("DomainName pattern", Events.putProfileObject("bad domain", "CTR", object), "DomainName"),
                Arguments.of("DomainName too long", Events.putProfileObject("d".repeat(65), "CTR", object), "DomainName"),
                Arguments.of("DomainName missing", Events.putProfileObject(null, "CTR", object), "DomainName"),
                Arguments.of("bad base64", body(EXAMPLE, "%%%").withIsBase64Encoded(true), "base64"));
    }

    static APIGatewayProxyRequestEvent body(String domain, String body) {
        return Events.request("PUT", "/domains/{DomainName}/profiles/objects", domain, body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputIsA400NamingTheField(String name, APIGatewayProxyRequestEvent event, String field) {
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("BadRequestException", response.getHeaders().get("x-amzn-ErrorType"));
        String message = (String) Events.body(response).get("Message");
        assertTrue(message.contains(field), message);
    }

    @Test
    void anObjectJustUnderTheLimitIsAccepted() {
        String padding = "x".repeat(256_000 - ctr("c-500", "+1 212 555 0500").length() - 10);
        String object = "{\"pad\":\"" + padding + "\"," + ctr("c-500", "+1 212 555 0500").substring(1);
        assertTrue(object.length() <= 256_000);
        uniqueKeyOf(put(EXAMPLE, "CTR", object));
    }

    @Test
    void unknownDomainOrObjectTypeIsA404() {
        APIGatewayProxyResponseEvent noDomain = put("NoSuchDomain", "CTR", ctr("c-1", "1"));
        assertEquals(404, noDomain.getStatusCode());
        assertEquals("ResourceNotFoundException", noDomain.getHeaders().get("x-amzn-ErrorType"));
        assertTrue(((String) Events.body(noDomain).get("Message")).contains("NoSuchDomain"));

        APIGatewayProxyResponseEvent noType = put(EXAMPLE, "NoSuchType", ctr("c-1", "1"));
        assertEquals(404, noType.getStatusCode());
        assertTrue(((String) Events.body(noType).get("Message")).contains("NoSuchType"));
    }
}

package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestDomains;

/**
 * A seeded fuzzer: thousands of generated hostile requests per write route. Every invalid request
 * gets a 4xx in the AWS error shape (never a 5xx), and afterwards the table holds exactly what the
 * valid requests among them wrote.
 */
class HostileInputTest {
    static final long SEED = 20261123L;
    static final int REQUESTS_PER_ROUTE = 2500;
    static final String DOMAIN = "ExampleDomainName";
    static final String PUT_PATH = "/domains/{DomainName}/profiles/objects";
    static final String KEY_PATH = "/domains/{DomainName}/profiles/keys";
    static final Set<String> MODELLED = Set.of("BadRequestException", "ResourceNotFoundException");

    final Random random = new Random(SEED);
    int validPuts;
    int validKeyValues;

    @Test
    void hostileRequestsGet4xxAndWriteNothing() {
        String table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        StoredData stored = new StoredData(LocalDynamo.client(), table);
        Domains domains = TestDomains.all();
        PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
        AddProfileKeyHandler addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));

        // A known profile for AddProfileKey: created by one valid put.
        send(put, validPut("anchor"), true);
        String profileId = stored.profilesWithKey(DOMAIN, new org.openprofiles.model.KeyValue("_ctrContactId", "anchor")).iterator().next();

        for (int i = 0; i < REQUESTS_PER_ROUTE; i++) {
            if (i % 50 == 0) send(put, validPut("valid-" + i), true);
            send(put, hostilePut(), false);
        }
        for (int i = 0; i < REQUESTS_PER_ROUTE; i++) {
            if (i % 50 == 0) {
                send(addKey, Events.addProfileKey(DOMAIN, profileId, "loyaltyId", "L-" + i), true);
                validKeyValues++;
            }
            send(addKey, hostileAddKey(profileId), false);
        }

        TableContents contents = TableContents.checked(LocalDynamo.client(), table);
        // Each valid contact record: one object, one inferred profile, two key values (_ctrContactId, _phone).
        assertEquals(new TableContents(validPuts, 2 * validPuts + validKeyValues, validPuts), contents);
    }

    void send(com.amazonaws.services.lambda.runtime.RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
              APIGatewayProxyRequestEvent event, boolean valid) {
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        String what = event.getPathParameters() + " " + abbreviate(event.getBody());
        if (valid) {
            assertEquals(200, response.getStatusCode(), what + " -> " + response.getBody());
            return;
        }
        assertTrue(response.getStatusCode() >= 400 && response.getStatusCode() < 500, what + " -> " + response.getStatusCode() + " " + response.getBody());
        String type = response.getHeaders().get("x-amzn-ErrorType");
        assertTrue(MODELLED.contains(type), what + " -> " + type);
        Map<String, Object> body = Events.body(response);
        assertEquals(type, body.get("__type"));
        assertNotNull(body.get("Message"));
    }

    static String abbreviate(String s) {
        return s == null || s.length() < 200 ? String.valueOf(s) : s.substring(0, 200) + "...(" + s.length() + ")";
    }

    APIGatewayProxyRequestEvent validPut(String contactId) {
        validPuts++;
        String phone = String.format("+1 (206) 555-%04d", validPuts);
        return Events.putProfileObject(DOMAIN, "CTR", "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}");
    }

    // ---- generators ------------------------------------------------------------------------------

    String pick(String... options) { return options[random.nextInt(options.length)]; }

    /** Strings a careless or hostile client sends. */
    String oddString() {
        return switch (random.nextInt(10)) {
            case 0 -> "";
            case 1 -> "x".repeat(256 + random.nextInt(5000));
            case 2 -> "\ud83d\ude00".repeat(1 + random.nextInt(100)); // non-BMP
            case 3 -> "a\ud800b"; // lone high surrogate
            case 4 -> "\udc00"; // lone low surrogate
            case 5 -> "../" + "%2e%2e%2f" + random.nextInt();
            case 6 -> " \t\n";
            case 7 -> "name with spaces";
            case 8 -> "\u0000\u0001";
            default -> "_profile";
        };
    }

    Object wrongType() {
        return switch (random.nextInt(5)) {
            case 0 -> new Json.JsonNumber(Integer.toString(random.nextInt()));
            case 1 -> List.of("a", "b");
            case 2 -> Map.of("k", "v");
            case 3 -> Boolean.TRUE;
            default -> Json.NULL;
        };
    }

    String oddDomain() {
        return switch (random.nextInt(6)) {
            case 0 -> "Example%44omainName";
            case 1 -> "..";
            case 2 -> "d".repeat(65 + random.nextInt(1000));
            case 3 -> "Example.DomainName";
            case 4 -> "NoSuchDomain" + random.nextInt(1000);
            default -> oddString();
        };
    }

    APIGatewayProxyRequestEvent hostilePut() {
        String ctr = "{\"contactId\":\"h-" + random.nextInt(1000) + "\",\"customerEndpoint\":{\"address\":\"+12065550100\"}}";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ObjectTypeName", "CTR");
        body.put("Object", ctr);
        String domain = DOMAIN;
        String text = null;
        switch (random.nextInt(14)) {
            case 0 -> text = Json.write(body).substring(0, random.nextInt(Json.write(body).length())); // truncated
            case 1 -> body.put("ObjectTypeName", wrongType());
            case 2 -> body.put("Object", wrongType());
            case 3 -> body.remove(pick("ObjectTypeName", "Object"));
            case 4 -> { body.put("Extra" + random.nextInt(9), oddString()); body.put("Object", "[" + ctr + "]"); }
            case 5 -> body.put("ObjectTypeName", oddString());
            case 6 -> body.put("Object", oddString());
            case 7 -> body.put("Object", "{\"pad\":\"" + "p".repeat(256_000 - 10 - random.nextInt(20)) + "\"}"); // under the limit, no contactId
            case 8 -> body.put("Object", "{\"contactId\":\"c\",\"pad\":\"" + "p".repeat(256_000 + random.nextInt(100)) + "\"}"); // over
            case 9 -> domain = oddDomain();
            case 10 -> body.put("Object", ctr.substring(0, 1 + random.nextInt(ctr.length() - 1))); // truncated inner JSON
            case 11 -> body.put("Object", "{\"contactId\":" + pick("[1]", "{}", "null", "\"\"") + "}"); // no scalar value
            case 12 -> text = "{\"ObjectTypeName\":\"CTR\",\"Object\":\"{\\\"contactId\\\":\\\"\\ud800\\\"}\"}"; // escaped lone surrogate
            default -> text = pick("", "null", "[]", "\"str\"", "{", "{}", "{\"ObjectTypeName\":\"CTR\",}");
        }
        return Events.request("PUT", PUT_PATH, domain, text != null ? text : Json.write(body));
    }

    APIGatewayProxyRequestEvent hostileAddKey(String profileId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ProfileId", profileId);
        body.put("KeyName", "loyaltyId");
        body.put("Values", List.of("v-" + random.nextInt(1000)));
        String domain = DOMAIN;
        String text = null;
        switch (random.nextInt(12)) {
            case 0 -> text = Json.write(body).substring(0, random.nextInt(Json.write(body).length()));
            case 1 -> {
                String member = pick("ProfileId", "KeyName", "Values");
                Object value = wrongType();
                body.put(member, member.equals("Values") && value instanceof List ? "not-a-list" : value);
            }
            case 2 -> body.remove(pick("ProfileId", "KeyName", "Values"));
            case 3 -> body.put("ProfileId", pick("A" + profileId.substring(1), profileId.substring(1), profileId + "0",
                    "x" + profileId, "g" + profileId.substring(1), oddString()));
            case 4 -> {
                String name = oddString();
                body.put("KeyName", name.matches("[a-zA-Z0-9_-]{1,64}") ? name + "!" : name); // "_profile" is a valid key name
            }
            case 5 -> body.put("Values", List.of());
            case 6 -> body.put("Values", manyValues(21 + random.nextInt(500)));
            case 7 -> body.put("Values", List.of("ok", oddString().isEmpty() ? "" : "v".repeat(256)));
            case 8 -> body.put("Values", List.of(wrongType()));
            case 9 -> domain = oddDomain();
            case 10 -> body.put("ProfileId", String.format("%032x", random.nextLong() & Long.MAX_VALUE)); // no such profile: 404
            default -> text = pick("", "[]", "{\"Values\":[\"\\udc00\"]}", "{\"ProfileId\":\"" + profileId + "\",\"KeyName\":\"k\",\"Values\":[\"\\ud800\"]}");
        }
        return Events.request("POST", KEY_PATH, domain, text != null ? text : Json.write(body));
    }

    List<Object> manyValues(int n) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < n; i++) values.add("v" + i);
        return values;
    }
}

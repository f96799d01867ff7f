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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestDomains;

/**
 * A key value shared by more profiles than its item lists (a switchboard number): with the item
 * threshold lowered to 3 holders, puts and AddProfileKey keep working past it, the value stays
 * ambiguous for resolution, and SearchProfiles pages through every holder. The benchmark's
 * shared-key run does the same at 50,000 holders with the shipped threshold.
 */
class SharedKeyValueTest {
    static final String DOMAIN = "ExampleDomainName";
    static final String SWITCHBOARD = "+1 800 555 0000";
    static final int PROFILES = 11;
    static String table;
    static PutProfileObjectHandler put;
    static AddProfileKeyHandler addKey;
    static ReadProfilesHandler read;
    static StoredData stored;
    static final List<String> owners = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC(), 3);
        Domains domains = TestDomains.all();
        put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
        addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        read = new ReadProfilesHandler(new ProfileReadService(domains, store));
        stored = new StoredData(LocalDynamo.client(), table);
        for (int i = 0; i < PROFILES - 1; i++) {
            ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("owner-" + i, String.format("+1 212 555 %04d", i))), null));
            String owner = only(stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "owner-" + i)));
            owners.add(owner);
            // The switchboard number joins every profile: past the third holder it spills.
            ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, owner, "_phone", SWITCHBOARD), null));
        }
    }

    static String ctr(String contactId, String phone) {
        return "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
    }

    static APIGatewayProxyResponseEvent ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return response;
    }

    static String only(Set<String> ids) {
        assertEquals(1, ids.size(), ids.toString());
        return ids.iterator().next();
    }

    @Test
    void aSpilledValueKeepsEveryHolderAndStaysAmbiguous() {
        assertTrue(stored.spilled(DOMAIN, new KeyValue("_phone", "+18005550000")));
        assertEquals(new TreeSet<>(owners), new TreeSet<>(stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+18005550000"))));

        // A record from the switchboard does not attach to any of them: CTR creates a new profile.
        ok(put.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("from-switchboard", SWITCHBOARD)), null));
        String created = only(stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "from-switchboard")));
        assertTrue(!owners.contains(created), "resolution never used the shared value");
        Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+18005550000"));
        assertEquals(PROFILES, holders.size(), "the new profile joined the spilled holders");

        // Adding a value a profile already holds, spilled or not, is still a no-op 200.
        ok(addKey.handleRequest(Events.addProfileKey(DOMAIN, owners.get(0), "_phone", SWITCHBOARD), null));
        assertEquals(PROFILES, stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+18005550000")).size());
        TableContents.checked(LocalDynamo.client(), table);
    }

    @Test
    void searchPagesThroughEveryHolderInOrder() {
        Set<String> all = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+18005550000"));
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Map<String, Object> page = search(Map.of("KeyName", "_phone", "Values", List.of("(800) 555-0000")), 4, token);
            for (Object item : (List<?>) page.get("Items")) seen.add((String) ((Map<?, ?>) item).get("ProfileId"));
            token = (String) page.get("NextToken");
            pages++;
        } while (token != null && pages < 20);
        assertEquals(new ArrayList<>(new TreeSet<>(all)), seen, "every holder once, in id order");
        assertEquals((all.size() + 3) / 4, pages);
    }

    @Test
    void andSearchIntersectsASpilledValueWithAnotherKey() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("KeyName", "_phone");
        body.put("Values", List.of(SWITCHBOARD));
        body.put("AdditionalSearchKeys", List.of(Map.of("KeyName", "_ctrContactId", "Values", List.of("owner-4", "owner-7", "nobody"))));
        body.put("LogicalOperator", "AND");
        Map<String, Object> page = search(body, 20, null);
        List<?> items = (List<?>) page.get("Items");
        Set<String> found = new TreeSet<>();
        for (Object item : items) found.add((String) ((Map<?, ?>) item).get("ProfileId"));
        assertEquals(new TreeSet<>(List.of(owners.get(4), owners.get(7))), found);
        assertNull(page.get("NextToken"));
        Map<?, ?> first = (Map<?, ?>) items.get(0);
        assertNotNull(first.get("FoundByItems"));
        assertEquals(2, ((List<?>) first.get("FoundByItems")).size(), "found by both keys");
    }

    static Map<String, Object> search(Map<String, Object> body, int maxResults, String token) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("max-results", Integer.toString(maxResults));
        if (token != null) query.put("next-token", token);
        APIGatewayProxyRequestEvent event = Events.request("POST", ReadProfilesHandler.SEARCH_RESOURCE, DOMAIN, Json.write(body))
                .withQueryStringParameters(query);
        return Events.body(ok(read.handleRequest(event, null)));
    }
}

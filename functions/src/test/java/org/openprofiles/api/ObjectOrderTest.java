package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ObjectOrderMigration;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * ListProfileObjects lists the most recently written object first (Connect's "the customer's last contact" reads
 * Items[0]), stable across pages, also on a table written by a version that listed objects in key order.
 */
class ObjectOrderTest {
    static final String DOMAIN = "ExampleDomainName";
    final String table = LocalDynamo.newTable();
    final ProfileStore store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
    final Domains domains = TestDomains.all();
    final PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
    final ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(domains, store));
    final StoredData stored = new StoredData(LocalDynamo.client(), table);

    String putCtr(String contactId, String phone) {
        APIGatewayProxyResponseEvent response = put.handleRequest(Events.putProfileObject(DOMAIN, "CTR",
                "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}"), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        return (String) Events.body(response).get("ProfileObjectUniqueKey");
    }

    /** Every object of the profile's CTR list, page by page ({@code pageSize} per page), as contact ids. */
    @SuppressWarnings("unchecked")
    List<String> listed(String profileId, int pageSize) {
        List<String> contacts = new ArrayList<>();
        String token = null;
        do {
            APIGatewayProxyRequestEvent event = Events.listProfileObjects(DOMAIN, "CTR", profileId);
            event.withQueryStringParameters(token == null ? Map.of("max-results", Integer.toString(pageSize))
                    : Map.of("max-results", Integer.toString(pageSize), "next-token", token));
            Map<String, Object> page = Events.body(read.handleRequest(event, null));
            for (Map<String, Object> item : (List<Map<String, Object>>) page.get("Items")) {
                contacts.add((String) ((Map<String, Object>) Json.parse((String) item.get("Object"))).get("contactId"));
            }
            token = (String) page.get("NextToken");
        } while (token != null);
        return contacts;
    }

    @Test
    void theMostRecentlyWrittenObjectComesFirstAcrossPages() {
        String first = putCtr("order-1", "+1 206 555 0950");
        String profileId = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
        for (int i = 2; i <= 5; i++) putCtr("order-" + i, "+1 206 555 0950");
        assertEquals(List.of("order-5", "order-4", "order-3", "order-2", "order-1"), listed(profileId, 2));
        // Written again: the most recent.
        putCtr("order-2", "+1 206 555 0950");
        assertEquals(List.of("order-2", "order-5", "order-4", "order-3", "order-1"), listed(profileId, 2));
        assertEquals(List.of("order-2", "order-5", "order-4", "order-3", "order-1"), listed(profileId, 100));
    }

    @Test
    void objectsOfEarlierVersionsAreListedAfterNewerOnesAndTheMigrationOrdersThem() {
        String first = putCtr("legacy-a", "+1 206 555 0960");
        String profileId = stored.object(DOMAIN, "CTR", first).orElseThrow().profileId();
        putCtr("legacy-b", "+1 206 555 0960");
        putCtr("legacy-c", "+1 206 555 0960");
        // As an earlier version wrote them: the index sort key is the bare unique key; written 300, 100 and 200 s ago.
        long now = System.currentTimeMillis() / 1000;
        Map<String, Long> writtenAt = Map.of("legacy-a", now - 300, "legacy-b", now - 100, "legacy-c", now - 200);
        for (Map<String, AttributeValue> item : LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
            if (!item.get("pk").s().startsWith("D#" + DOMAIN + "#O#")) continue;
            String contact = (String) ((Map<?, ?>) Json.parse(item.get("object").s())).get("contactId");
            LocalDynamo.client().updateItem(r -> r.tableName(table).key(Map.of("pk", item.get("pk")))
                    .updateExpression("SET gsi1sk = :k, updatedAt = :u")
                    .expressionAttributeValues(Map.of(":k", item.get("uniqueKey"), ":u", AttributeValue.fromN(Long.toString(writtenAt.get(contact))))));
        }
        putCtr("new-1", "+1 206 555 0960");
        List<String> before = listed(profileId, 2);
        assertEquals("new-1", before.get(0), "written since the upgrade: first " + before);
        assertEquals(4, before.size(), "every object of the earlier version is still listed: " + before);

        // The migration function over the production-like DynamoDB, in its own IAM role's rights.
        ProductionLike.proxy(Rules.none());
        ObjectOrderHandler migration = new ObjectOrderHandler(new ObjectOrderMigration(
                new DynamoProfileStore(ProductionLike.clientAs(FunctionRoles.OBJECT_ORDER), table, Clock.systemUTC()), Clock.systemUTC()),
                Clock.systemUTC());
        Map<String, Object> done = migration.handleRequest(Map.of(), null);
        assertEquals(Map.of("reordered", 3L, "done", true), done);
        assertEquals(List.of("new-1", "legacy-b", "legacy-c", "legacy-a"), listed(profileId, 3));
        // Run again: nothing left to do.
        assertEquals(Map.of("reordered", 0L, "done", true), migration.handleRequest(Map.of(), null));
        putCtr("legacy-a", "+1 206 555 0960");
        assertEquals(List.of("legacy-a", "new-1", "legacy-b", "legacy-c"), listed(profileId, 1));
        assertTrue(stored.object(DOMAIN, "CTR", first).isPresent());
    }
}

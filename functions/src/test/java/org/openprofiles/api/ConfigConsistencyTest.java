package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.resolution.ProfileObjectUniqueKeys;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.Node;

/**
 * Read-your-writes for configuration across containers: two independent service instances (own
 * client, own cache) over one table. A request that starts after a configuration call returned
 * sees its effect on the other container at once, and the steady state keeps its call counts.
 */
class ConfigConsistencyTest {
    static final String PERSON_V1 = "{\"Description\":\"people by id\",\"AllowProfileCreation\":true,\"Fields\":{"
            + "\"id\":{\"Source\":\"_source.id\"},"
            + "\"email\":{\"Source\":\"_source.email\",\"Target\":\"_profile.EmailAddress\",\"ContentType\":\"EMAIL_ADDRESS\"}},"
            + "\"Keys\":{\"personId\":[{\"StandardIdentifiers\":[\"UNIQUE\"],\"FieldNames\":[\"id\"]}],"
            + "\"_email\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]}}";
    /** The same type, now identified by a code instead of an id. */
    static final String PERSON_V2 = PERSON_V1.replace("\"_source.id\"", "\"_source.code\"");

    final String table = LocalDynamo.newTable();
    final Node admin = new Node(table);
    final Node other = new Node(table);

    static void assertStatus(int expected, APIGatewayProxyResponseEvent response) {
        assertEquals(expected, response.getStatusCode(), response.getBody());
    }

    @Test
    void aPutAfterPutProfileObjectTypeReturnedUsesTheNewTypeOnTheOtherContainer() {
        assertStatus(200, admin.createDomain("Shop"));
        // The other container has the domain cached (it ingested through an implicit template type).
        assertStatus(200, other.putObject("Shop", "CTR", Map.of("contactId", "c-1")));
        assertStatus(404, other.putObject("Shop", "Person", Map.of("id", "p-1", "email", "a@example.com")));

        assertStatus(200, admin.putType("Shop", "Person", PERSON_V1));
        APIGatewayProxyResponseEvent first = other.putObject("Shop", "Person", Map.of("id", "p-1", "email", "a@example.com"));
        assertStatus(200, first);
        assertEquals(ProfileObjectUniqueKeys.of("Person", "p-1"), Events.body(first).get("ProfileObjectUniqueKey"));

        // Steady state: one consistent BatchGetItem (key values, object and the domain's version), one transaction.
        assertEquals(List.of("BatchGetItem", "TransactWriteItems"),
                other.callsOf(() -> assertStatus(200, other.putObject("Shop", "Person", Map.of("id", "p-2", "email", "b@example.com")))));

        // The definition changes: an object the old one refuses (no id) is accepted at once, and keyed by the new field.
        assertStatus(200, admin.putType("Shop", "Person", PERSON_V2));
        APIGatewayProxyResponseEvent second = other.putObject("Shop", "Person", Map.of("code", "k-9", "email", "c@example.com"));
        assertStatus(200, second);
        assertEquals(ProfileObjectUniqueKeys.of("Person", "k-9"), Events.body(second).get("ProfileObjectUniqueKey"));
        // ...and the other way round: what only the old definition accepted is refused.
        assertStatus(400, other.putObject("Shop", "Person", Map.of("id", "p-3", "email", "d@example.com")));
        assertEquals(List.of("BatchGetItem", "TransactWriteItems"),
                other.callsOf(() -> assertStatus(200, other.putObject("Shop", "Person", Map.of("code", "k-10", "email", "e@example.com")))));
    }

    @Test
    void aDeletedTypeOrDomainIsA404AtOnceOnTheOtherContainer() {
        assertStatus(200, admin.createDomain("Gone"));
        assertStatus(200, admin.putType("Gone", "Person", PERSON_V1));
        APIGatewayProxyResponseEvent put = other.putObject("Gone", "Person", Map.of("id", "p-1", "email", "a@example.com"));
        assertStatus(200, put);
        String profileId = (String) ((Map<?, ?>) ((List<?>) Events.body(other.read.handleRequest(
                Events.searchProfiles("Gone", "_email", "a@example.com"), null)).get("Items")).get(0)).get("ProfileId");
        assertStatus(200, other.read.handleRequest(Events.listProfileObjects("Gone", "Person", profileId), null));

        assertStatus(200, admin.deleteType("Gone", "Person"));
        assertStatus(404, other.putObject("Gone", "Person", Map.of("id", "p-2", "email", "b@example.com")));
        assertStatus(404, other.read.handleRequest(Events.listProfileObjects("Gone", "Person", profileId), null));
        assertStatus(404, other.admin("GET", AdminHandler.OBJECT_TYPE, "Gone", "Person", null));

        assertStatus(200, other.addKey.handleRequest(Events.addProfileKey("Gone", profileId, "loyalty", "L-1"), null));
        assertStatus(200, admin.deleteDomain("Gone"));
        assertStatus(404, other.putObject("Gone", "CTR", Map.of("contactId", "c-1")));
        assertStatus(404, other.read.handleRequest(Events.searchProfiles("Gone", "_email", "a@example.com"), null));
        assertStatus(404, other.addKey.handleRequest(Events.addProfileKey("Gone", profileId, "loyalty", "L-2"), null));
        assertStatus(404, other.lifecycle.handleRequest(Events.request("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE, "Gone",
                "{\"ProfileId\":\"" + profileId + "\",\"AdditionalInformation\":\"late\"}"), null));
        assertStatus(404, other.lifecycle.handleRequest(Events.request("POST", ProfileLifecycleHandler.DELETE_KEY_RESOURCE, "Gone",
                "{\"ProfileId\":\"" + profileId + "\",\"KeyName\":\"loyalty\",\"Values\":[\"L-1\"]}"), null));
        assertStatus(404, other.read.handleRequest(Events.request("POST", ReadProfilesHandler.BATCH_GET_RESOURCE, "Gone",
                "{\"ProfileIds\":[\"" + profileId + "\"]}"), null));
        assertStatus(404, other.admin("GET", AdminHandler.DOMAIN, "Gone", null, null));
    }

    @Test
    void otherOperationsAddOneSmallConsistentReadOfTheDomain() {
        assertStatus(200, admin.createDomain("Counted"));
        assertStatus(200, admin.putType("Counted", "Person", PERSON_V1));
        assertStatus(200, other.putObject("Counted", "Person", Map.of("id", "p-1", "email", "a@example.com")));
        String profileId = (String) ((Map<?, ?>) ((List<?>) Events.body(other.read.handleRequest(
                Events.searchProfiles("Counted", "_email", "a@example.com"), null)).get("Items")).get(0)).get("ProfileId");

        assertEquals(List.of("BatchGetItem", "TransactWriteItems"), other.callsOf(() ->
                assertStatus(200, other.addKey.handleRequest(Events.addProfileKey("Counted", profileId, "loyalty", "L-1"), null))));
        // SearchProfiles folds the domain item into its read of the key values: still 2 calls.
        assertEquals(List.of("BatchGetItem", "BatchGetItem"), other.callsOf(() ->
                assertStatus(200, other.read.handleRequest(Events.searchProfiles("Counted", "_email", "a@example.com"), null))));
        assertEquals(List.of("BatchGetItem", "Query"), other.callsOf(() ->
                assertStatus(200, other.read.handleRequest(Events.listProfileObjects("Counted", "Person", profileId), null))));
        // UpdateProfile and DeleteProfileKey confirm the configuration inside their own first read: 2 calls each.
        assertEquals(List.of("BatchGetItem", "TransactWriteItems"), other.callsOf(() -> assertStatus(200, other.lifecycle.handleRequest(
                Events.request("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE, "Counted",
                        "{\"ProfileId\":\"" + profileId + "\",\"AdditionalInformation\":\"regular\"}"), null))));
        assertEquals(List.of("BatchGetItem", "TransactWriteItems"), other.callsOf(() -> assertStatus(200, other.lifecycle.handleRequest(
                Events.request("POST", ProfileLifecycleHandler.DELETE_KEY_RESOURCE, "Counted",
                        "{\"ProfileId\":\"" + profileId + "\",\"KeyName\":\"loyalty\",\"Values\":[\"L-1\"]}"), null))));
        // BatchGetProfile reads the domain item within its one BatchGetItem.
        assertEquals(List.of("BatchGetItem"), other.callsOf(() -> assertStatus(200, other.read.handleRequest(Events.request("POST",
                ReadProfilesHandler.BATCH_GET_RESOURCE, "Counted", "{\"ProfileIds\":[\"" + profileId + "\"]}"), null))));
        // A change costs the next request one more read (the type items), once.
        assertStatus(200, admin.putType("Counted", "Other", PERSON_V2));
        List<String> afterChange = other.callsOf(() ->
                assertStatus(200, other.read.handleRequest(Events.listProfileObjects("Counted", "Person", profileId), null)));
        assertEquals(List.of("BatchGetItem", "BatchGetItem", "Query"), afterChange);
        assertTrue(other.callsOf(() -> other.read.handleRequest(Events.listProfileObjects("Counted", "Person", profileId), null)).size() == 2);
        // A change made elsewhere between two DeleteProfileKeys: the second finds it in its own read and decides again.
        assertStatus(200, other.addKey.handleRequest(Events.addProfileKey("Counted", profileId, "loyalty", "L-2"), null));
        assertStatus(200, admin.putType("Counted", "Third", PERSON_V2));
        assertEquals(List.of("BatchGetItem", "BatchGetItem", "BatchGetItem", "TransactWriteItems"), other.callsOf(() ->
                assertStatus(200, other.lifecycle.handleRequest(Events.request("POST", ProfileLifecycleHandler.DELETE_KEY_RESOURCE, "Counted",
                        "{\"ProfileId\":\"" + profileId + "\",\"KeyName\":\"loyalty\",\"Values\":[\"L-2\"]}"), null))));
    }
}

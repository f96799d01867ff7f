package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.json.Json;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.Domains;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfileStore.StoredProfile;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.StoredData;

/**
 * An object type at the configuration's limit (250 fields, 249 of them targeting profile
 * attributes) creates its profile and then updates all of it: the update expression stays inside
 * DynamoDB's 4 KB limit.
 */
class WideObjectTypeTest {
    static final int FIELDS = 250;

    static Domain wideDomain() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", Map.of("Source", "_source.id"));
        for (int i = 1; i < FIELDS; i++) {
            fields.put("attribute" + i, Map.of("Source", "_source.a" + i, "Target", "_profile.Attributes.attribute" + i));
        }
        Map<String, Object> type = new LinkedHashMap<>();
        type.put("Description", "the widest type the configuration accepts");
        type.put("AllowProfileCreation", true);
        type.put("Fields", fields);
        type.put("Keys", Map.of("wideId", java.util.List.of(Map.of("StandardIdentifiers", java.util.List.of("PROFILE", "UNIQUE"),
                "FieldNames", java.util.List.of("id")))));
        String file = Json.write(Map.of("DomainName", "WideDomain", "DefaultExpirationDays", 30, "ObjectTypes", Map.of("Wide", type)));
        return DomainLoader.parse("WideDomain.json", file);
    }

    static String object(String prefix) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("id", "w-1");
        for (int i = 1; i < FIELDS; i++) object.put("a" + i, prefix + "-value-of-attribute-" + i);
        return Json.write(object);
    }

    @Test
    void twoHundredFiftyFieldsIngestAndUpdate() {
        String table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        PutProfileObjectHandler handler = new PutProfileObjectHandler(
                new PutProfileObjectService(Domains.fixed(Map.of("WideDomain", wideDomain())), store, Clock.systemUTC()));
        StoredData stored = new StoredData(LocalDynamo.client(), table);

        var first = handler.handleRequest(Events.putProfileObject("WideDomain", "Wide", object("first")), null);
        assertEquals(200, first.getStatusCode(), first.getBody());
        String profileId = stored.profilesWithKey("WideDomain", new KeyValue("wideId", "w-1")).iterator().next();
        assertEquals("first-value-of-attribute-249", stored.profile("WideDomain", profileId).orElseThrow().fields().get("Attributes.attribute249"));

        var second = handler.handleRequest(Events.putProfileObject("WideDomain", "Wide", object("second")), null);
        assertEquals(200, second.getStatusCode(), second.getBody());
        StoredProfile updated = stored.profile("WideDomain", profileId).orElseThrow();
        assertEquals(FIELDS - 1, updated.fields().size());
        for (int i = 1; i < FIELDS; i++) assertEquals("second-value-of-attribute-" + i, updated.fields().get("Attributes.attribute" + i));
    }
}

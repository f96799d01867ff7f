package org.openprofiles.store.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.ObjectPut;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.testing.LocalDynamo;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A key value whose last holder leaves is deleted, and one created again starts over at revision 1. A put that read the
 * old one and commits after the new one exists must not land on it: it would put back the holder that left (a value
 * naming a deleted profile) and drop the new one (a record whose phone does not name its profile). Found by the random
 * histories with a record sent twice at once, under every fault.
 */
class KeyValueIncarnationTest {
    static final String DOMAIN = "ExampleDomainName";
    static final ProfileStore.Audit AUDIT = new ProfileStore.Audit("arn:aws:iam::111122223333:user/test", 30);
    static final KeyValue PHONE = new KeyValue("_phone", "+12065550999");
    static final List<String> TYPES = List.of("CTR");

    @Test
    void aPutThatReadAValueBeforeItWasDeletedAndCreatedAgainDecidesAgain() {
        String table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        String left = "0000000000000000000000000000000a";
        String again = "0000000000000000000000000000000b";
        String late = "0000000000000000000000000000000c";
        assertTrue(store.putObject(DOMAIN, List.of(PHONE), "CTR", "left-1", null, TYPES, seen -> newProfile(left, "left-1"), AUDIT, deadline()));

        AtomicInteger decisions = new AtomicInteger();
        assertTrue(store.putObject(DOMAIN, List.of(PHONE), "CTR", "late-1", null, TYPES, seen -> {
            if (decisions.incrementAndGet() == 1) {
                assertEquals(Set.of(left), holders(table), "the late put read the value held by the profile about to leave");
                // Between its read and its write: the value's only holder is deleted (so is the value), and a new profile
                // makes the value again, at revision 1 as the one read.
                store.deleteProfile(DOMAIN, left, TYPES, deadline());
                assertTrue(holders(table).isEmpty(), "the value went with its last holder");
                assertTrue(store.putObject(DOMAIN, List.of(PHONE), "CTR", "again-1", null, TYPES, s -> newProfile(again, "again-1"),
                        AUDIT, deadline()));
            }
            return newProfile(late, "late-1");
        }, AUDIT, deadline()));

        assertEquals(2, decisions.get(), "the value the late put read is gone: it decided again");
        assertEquals(Set.of(again, late), holders(table), "the value names the profiles that hold it, not the one deleted");
        assertFalse(holders(table).contains(left));
    }

    static ObjectPut newProfile(String profileId, String contactId) {
        return new ObjectPut(DOMAIN, "CTR", contactId, "{\"contactId\":\"" + contactId + "\"}", List.of(PHONE), null, profileId, true,
                Map.of(), List.of(PHONE), null, null);
    }

    static Set<String> holders(String table) {
        Map<String, AttributeValue> item = LocalDynamo.client().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(StoreKeys.keyValue(DOMAIN, PHONE))))).item();
        return item == null || !item.containsKey("profileIds") ? Set.of() : Set.copyOf(item.get("profileIds").ss());
    }

    static Deadline deadline() {
        return Deadline.in(Duration.ofSeconds(10));
    }
}

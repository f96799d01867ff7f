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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.store.ObjectPut;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.store.table.KeyItem;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A key value whose last holder leaves is deleted, and one created again starts over at revision 1. A put that read the
 * old one and commits after the new one exists must not land on it: it would put back the holder that left (a value
 * naming a deleted profile) and drop the new one (a record whose phone does not name its profile). Found by the random
 * histories with a record sent twice at once, under every fault. Each function in its own role, through the
 * production-like DynamoDB, whose counts show the other writes landing inside the late put's read-to-write window.
 */
class KeyValueIncarnationTest {
    static final String DOMAIN = "ExampleDomainName";
    static final ProfileStore.Audit AUDIT = new ProfileStore.Audit("arn:aws:iam::111122223333:user/test", 30);
    static final KeyValue PHONE = new KeyValue("_phone", "+12065550999");
    static final List<String> TYPES = List.of("CTR");

    /** {@code marked}: the value read carries its incarnation; false: written by a version before incarnations were marked. */
    @ParameterizedTest(name = "value marked with its incarnation: {0}")
    @ValueSource(booleans = {true, false})
    void aPutThatReadAValueBeforeItWasDeletedAndCreatedAgainDecidesAgain(boolean marked) {
        String table = LocalDynamo.newTable();
        ProductionLikeDynamo proxy = ProductionLike.proxy(Rules.none());
        ProfileStore puts = new DynamoProfileStore(ProductionLike.clientAs(FunctionRoles.PUT_PROFILE_OBJECT), table, Clock.systemUTC());
        ProfileStore lifecycle = new DynamoProfileStore(ProductionLike.clientAs(FunctionRoles.PROFILE_LIFECYCLE), table, Clock.systemUTC());
        String left = "0000000000000000000000000000000a";
        String again = "0000000000000000000000000000000b";
        String late = "0000000000000000000000000000000c";
        assertTrue(puts.putObject(DOMAIN, List.of(PHONE), "CTR", "left-1", null, TYPES, seen -> newProfile(left, "left-1"), AUDIT, deadline()));
        if (!marked) {
            LocalDynamo.client().updateItem(r -> r.tableName(table).key(key()).updateExpression("REMOVE #born")
                    .expressionAttributeNames(Map.of("#born", KeyItem.BORN)));
        }

        AtomicInteger decisions = new AtomicInteger();
        AtomicLong writesWhenRead = new AtomicLong();
        AtomicLong writesInWindow = new AtomicLong();
        proxy.resetStats();
        assertTrue(puts.putObject(DOMAIN, List.of(PHONE), "CTR", "late-1", null, TYPES, seen -> {
            if (decisions.incrementAndGet() == 1) {
                assertEquals(Set.of(left), holders(table), "the late put read the value held by the profile about to leave");
                writesWhenRead.set(proxy.stats().forwarded("TransactWriteItems"));
                // Between its read and its write: the value's only holder is deleted (so is the value), and a new profile
                // makes the value again, at revision 1 as the one read.
                lifecycle.deleteProfile(DOMAIN, left, TYPES, deadline());
                assertTrue(holders(table).isEmpty(), "the value went with its last holder");
                assertTrue(puts.putObject(DOMAIN, List.of(PHONE), "CTR", "again-1", null, TYPES, s -> newProfile(again, "again-1"),
                        AUDIT, deadline()));
                writesInWindow.set(proxy.stats().forwarded("TransactWriteItems") - writesWhenRead.get());
            }
            return newProfile(late, "late-1");
        }, AUDIT, deadline()));

        // At the wire: nothing written when the late put had read; the deletion's and the new value's writes reached
        // DynamoDB before the late put's first write; that write was refused, and the late put wrote once more.
        assertEquals(0, writesWhenRead.get());
        assertTrue(writesInWindow.get() >= 2, "the other writes landed inside the late put's window: " + writesInWindow.get());
        assertEquals(writesInWindow.get() + 2, proxy.stats().forwarded("TransactWriteItems"), "the late put's refused write and its second");
        assertEquals(Map.of(), proxy.stats().denied());
        assertEquals(2, decisions.get(), "the value the late put read is gone: it decided again");
        assertEquals(Set.of(again, late), holders(table), "the value names the profiles that hold it, not the one deleted");
        assertFalse(holders(table).contains(left));
    }

    static ObjectPut newProfile(String profileId, String contactId) {
        return new ObjectPut(DOMAIN, "CTR", contactId, "{\"contactId\":\"" + contactId + "\"}", List.of(PHONE), null, profileId, true,
                Map.of(), List.of(PHONE), null, null);
    }

    static Map<String, AttributeValue> key() {
        return Map.of("pk", AttributeValue.fromS(StoreKeys.keyValue(DOMAIN, PHONE)));
    }

    static Set<String> holders(String table) {
        Map<String, AttributeValue> item = LocalDynamo.client().getItem(r -> r.tableName(table).consistentRead(true).key(key())).item();
        return item == null || !item.containsKey("profileIds") ? Set.of() : Set.copyOf(item.get("profileIds").ss());
    }

    static Deadline deadline() {
        return Deadline.in(Duration.ofSeconds(10));
    }
}

package org.openprofiles.store.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.ObjectPut;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Two puts that both read "no such object" race to start its life on a profile, the second committing between the
 * first one's read and its write. Each would write an EXPIRED record of its own dated at its expiry; the object can
 * name only one, so the other would appear one day as an expiry that never happened. The first put's write rests on
 * the object's absence it read: it decides again, finds the second one's object and keeps its record.
 */
class ObjectEndRecordRaceTest {
    static final String DOMAIN = "ExampleDomainName";
    static final ProfileStore.Audit AUDIT = new ProfileStore.Audit("arn:aws:iam::111122223333:user/test", 366);

    @Test
    void twoPutsStartingTheSameObjectLeaveOneExpiry() {
        String table = LocalDynamo.newTable();
        // Through the production-like DynamoDB, whose counts show what reached the table between the first put's read and write.
        ProductionLikeDynamo proxy = ProductionLike.proxy(Rules.none());
        ProfileStore store = new DynamoProfileStore(ProductionLike.clientAs(FunctionRoles.PUT_PROFILE_OBJECT), table, Clock.systemUTC());
        String profile = "0123456789abcdef0123456789abcdef";
        store.createProfile(DOMAIN, profile, Map.of("FirstName", "Race"), AUDIT, deadline());
        long expiresAt = Clock.systemUTC().instant().plus(Duration.ofDays(366)).getEpochSecond();

        AtomicInteger firstDecisions = new AtomicInteger();
        ProfileStore.PutDecision second = seen -> attach(profile, expiresAt + 5);
        AtomicLong writesBefore = new AtomicLong(-1);
        AtomicLong writesAfter = new AtomicLong(-1);
        ProfileStore.PutDecision first = seen -> {
            if (firstDecisions.incrementAndGet() == 1) {
                assertNull(seen.stored(), "the first put read no object");
                // The second put reads and commits while the first is between its read and its write.
                writesBefore.set(proxy.stats().forwarded("TransactWriteItems"));
                assertTrue(store.putObject(DOMAIN, List.of(), "CTR", "race-1", null, List.of("CTR"), second, AUDIT, deadline()));
                writesAfter.set(proxy.stats().forwarded("TransactWriteItems"));
            }
            return attach(profile, expiresAt);
        };
        proxy.resetStats();
        assertTrue(store.putObject(DOMAIN, List.of(), "CTR", "race-1", null, List.of("CTR"), first, AUDIT, deadline()));

        // At the wire: the first put's read had reached DynamoDB and its write had not when the second put's write landed.
        assertTrue(proxy.stats().forwarded("BatchGetItem") >= 3, "both puts read, the first twice: " + proxy.stats().forwarded());
        assertEquals(0, writesBefore.get(), "nothing written yet when the first put had read");
        assertEquals(1, writesAfter.get(), "the second put's write reached DynamoDB inside the first put's read-to-write window");
        assertEquals(3, proxy.stats().forwarded("TransactWriteItems"), "the second's write, the first's refused one, the first's again");
        assertEquals(Map.of(), proxy.stats().denied());

        assertEquals(2, firstDecisions.get(), "the first put's write rested on the absence it read: it decided again");
        List<Map<String, AttributeValue>> expiries = new ArrayList<>();
        Map<String, AttributeValue> object = null;
        for (Map<String, AttributeValue> item : LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
            if (item.containsKey("actionType") && item.get("actionType").s().equals("EXPIRED")) expiries.add(item);
            if (item.get("pk").s().equals("D#" + DOMAIN + "#O#CTR#race-1")) object = item;
        }
        assertEquals(1, expiries.size(), "one EXPIRED record for one object: " + expiries);
        assertEquals(object.get("endRecord").s(), expiries.get(0).get("recordId").s(), "the object names it");
        assertEquals(Long.toString(expiresAt * 1000), expiries.get(0).get("createdAt").n(), "dated at the expiry the last write set");
    }

    static ObjectPut attach(String profileId, long expiresAt) {
        return new ObjectPut(DOMAIN, "CTR", "race-1", "{\"contactId\":\"race-1\"}", List.of(new KeyValue("_ctrContactId", "race-1")),
                expiresAt, profileId, false,
                Map.of(), List.of(), null, null);
    }

    static Deadline deadline() {
        return Deadline.in(Duration.ofSeconds(10));
    }
}

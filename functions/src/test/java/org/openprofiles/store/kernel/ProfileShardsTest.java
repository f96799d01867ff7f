package org.openprofiles.store.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.kernel.Snapshot;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.DecideAgainException;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** The shards on their own, against DynamoDB Local: what each kind of write lets through and what it refuses. */
class ProfileShardsTest {
    static final String DOMAIN = "D";
    final String table = LocalDynamo.newTable();
    final DynamoCalls calls = new DynamoCalls(LocalDynamo.client(), table);
    final ProfileShards shards = new ProfileShards(calls, Clock.systemUTC());
    final Deadline deadline = Deadline.in(Duration.ofSeconds(10));
    static final KeyValue PHONE = new KeyValue("_phone", "+12065550100");

    void commit(TransactWriteItem... actions) {
        calls.transact(List.of(actions), deadline);
    }

    @Test
    void addsRecordTheMembershipAndAreRefusedOnceTheProfileIsClosed() {
        Shards.Member member = new Shards.Member("CTR", "u1", Set.of(PHONE));
        commit(shards.add(DOMAIN, "p", 3, List.of(member), Map.of()));
        Shards read = shards.read(DOMAIN, "p", deadline);
        assertEquals(Set.of(PHONE), read.members().get("CTR#u1").profileKeys());
        assertNull(read.closedBy());

        shards.close(DOMAIN, "p", "op-1", "main", deadline);
        shards.close(DOMAIN, "p", "op-1", "main", deadline); // the same operation again: idempotent
        assertThrows(DecideAgainException.class, () -> commit(shards.add(DOMAIN, "p", 7, List.of(), Map.of())));
        assertEquals(new ProfileShards.Closed("main", shards.closed(DOMAIN, "p", 7, deadline).closedAtMillis()),
                shards.closed(DOMAIN, "p", 7, deadline));
        assertThrows(ProfileShards.ClosedByAnother.class, () -> shards.close(DOMAIN, "p", "op-2", null, deadline));
        assertEquals(Set.of(PHONE), shards.read(DOMAIN, "p", deadline).members().get("CTR#u1").profileKeys(), "closing keeps the membership");
    }

    /**
     * Two attaches meet only on a shard both picked: the one DynamoDB cancels moves to another shard
     * and is sent again at once, without failing to its caller (over the production-like DynamoDB,
     * which cancels a transaction touching an item another one holds).
     */
    @Test
    void anAddWhoseShardAnotherTransactionHoldsMovesToAnotherShard() throws Exception {
        ProductionLikeDynamo proxy = ProductionLike.proxy(Rules.defaults().conflictWindowMs(1_000));
        DynamoCalls viaProxy = new DynamoCalls(ProductionLike.client(), table);
        ProfileShards production = new ProfileShards(viaProxy, Clock.systemUTC());
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            // Another attach holds shard 5 for a second.
            var holder = other.submit(() -> viaProxy.transact(List.of(production.add(DOMAIN, "p", 5, List.of(), Map.of())), deadline));
            assertTrue(proxy.awaitTransactionsInFlight(1, Duration.ofSeconds(5)), "the other attach holds its shard");
            List<TransactWriteItem> actions = new java.util.ArrayList<>(List.of(
                    production.add(DOMAIN, "p", 5, List.of(new Shards.Member("CTR", "u9", Set.of(PHONE))), Map.of())));
            production.transact(actions, Set.of(0), deadline, reasons -> null);
            holder.get();
            assertEquals(1, proxy.stats().transactionConflicts(), "the first send met the held shard at the wire");
            int moved = ProfileShards.shardOf(actions.get(0));
            assertTrue(moved != 5, "sent again on another shard");
            Shards read = shards.read(DOMAIN, "p", deadline);
            assertEquals(1, read.all().get(5).n());
            assertEquals(1, read.all().get(moved).n());
            assertEquals(Set.of(PHONE), read.members().get("CTR#u9").profileKeys());
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void aRemovalFailsWhenASourceWasAddedAfterItsRead() {
        commit(shards.add(DOMAIN, "p", 0, List.of(), Map.of()));
        Shards seen = shards.read(DOMAIN, "p", deadline);
        commit(shards.add(DOMAIN, "p", 41, List.of(new Shards.Member("CTR", "u2", Set.of(PHONE))), Map.of()));
        List<TransactWriteItem> removal = shards.removal(DOMAIN, "p", seen, Map.of());
        assertEquals(ProfileShards.COUNT, removal.size());
        assertThrows(DecideAgainException.class, () -> calls.transact(removal, deadline));
        // Read again: it lands, and bumps every shard.
        calls.transact(shards.removal(DOMAIN, "p", shards.read(DOMAIN, "p", deadline), Map.of()), deadline);
        for (Shards.Shard shard : shards.read(DOMAIN, "p", deadline).all()) assertTrue(shard.exists() && shard.n() >= 1);
    }

    @Test
    void anAddThatReliesOnAValueRemovedAfterItsReadIsRefused() {
        Snapshot.KeyState readByPut = new Snapshot.KeyState(Set.of("p"), 4, false, "born-a");
        calls.transact(shards.removal(DOMAIN, "p", shards.read(DOMAIN, "p", deadline),
                Map.of(PHONE, new Snapshot.KeyState(Set.of("p"), 4, false, "born-a"))), deadline);
        for (int shard : List.of(0, 17, 63)) {
            int s = shard;
            assertThrows(DecideAgainException.class, () -> commit(shards.add(DOMAIN, "p", s, List.of(), Map.of(PHONE, readByPut))),
                    "a put that read the value at the revision the removal took it from");
        }
        // Read after the removal: a later revision, or another incarnation of the value (deleted and created again).
        commit(shards.add(DOMAIN, "p", 5, List.of(), Map.of(PHONE, new Snapshot.KeyState(Set.of("p"), 5, false, "born-a"))));
        commit(shards.add(DOMAIN, "p", 6, List.of(), Map.of(PHONE, new Snapshot.KeyState(Set.of("p"), 1, false, "born-b"))));
        // A value the removal did not touch.
        commit(shards.add(DOMAIN, "p", 7, List.of(), Map.of(new KeyValue("_email", "a@b.c"), readByPut)));
    }

    @Test
    void markersHoldNothingButTheIdTheOperationAndAnExpiry() {
        commit(shards.add(DOMAIN, "p", 9, List.of(new Shards.Member("CTR", "u3", Set.of(PHONE))), Map.of()));
        shards.close(DOMAIN, "p", "op-9", null, deadline);
        shards.leaveMarkers(DOMAIN, "p", "op-9", null, 1234, deadline);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(items::add);
        assertEquals(ProfileShards.COUNT, items.size());
        for (Map<String, AttributeValue> item : items) {
            assertEquals(Set.of("pk", "profileId", "closedBy", "closedAt", "n", "expiresAt"), item.keySet());
            assertFalse(item.toString().contains("+12065550100"));
        }
        assertNotNull(shards.closed(DOMAIN, "p", 0, deadline));
    }
}

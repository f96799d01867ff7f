package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Answers.DYNAMODB_ERROR;
import static org.openprofiles.prodlike.Answers.cancelled;
import static org.openprofiles.prodlike.Answers.error;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openprofiles.prodlike.ItemKeys.ItemId;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * <b>Transaction conflicts</b>, window W = {@code conflictWindowMs} (0 = off). An item is
 * identified by the caller's database (access key and region), the table name, and its primary
 * key values; a table's key schema is asked of the upstream once with DescribeTable (with the
 * caller's Authorization header) and cached. A TransactWriteItems whose items (Put: from Item;
 * Update, Delete, ConditionCheck: from Key) are all free holds them all (check-and-hold under
 * one lock), is forwarded, and keeps them until the upstream answered <em>and</em> W ms have
 * passed since it was accepted; then they are released and the client answered. If any is held
 * it is not forwarded: 400 {@code TransactionCanceledException} with one reason per action in
 * request order, {@code TransactionConflict} ("Transaction is ongoing for the item") for held
 * items, {@code None} for the others. A TransactGetItems touching a held item is cancelled the
 * same way (it holds nothing). PutItem, UpdateItem and DeleteItem of a held item: 400
 * {@code TransactionConflictException}, not forwarded; they hold nothing themselves.
 * BatchWriteItem: the put and delete requests on held items are not forwarded but returned in
 * {@code UnprocessedItems}, merged with the upstream's (real DynamoDB does not model
 * TransactionConflictException for BatchWriteItem: its documented way to report an item it
 * could not write is UnprocessedItems); when all are held, 200 with only UnprocessedItems.
 * PartiQL calls (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) are not checked.
 * A TransactWriteItems with the {@code ClientRequestToken} of one that holds its items (same
 * database) is answered 400 {@code TransactionInProgressException}, not forwarded.
 *
 * <p><b>Transaction still in progress after a lost response</b>, {@code inProgressAfterLossMs} = M
 * (0 = off): when the response of a TransactWriteItems is lost ({@code loseResponseEvery}), real
 * DynamoDB may still be applying it: its items stay held M ms more (other transactions get
 * TransactionConflict, single-item writes TransactionConflictException, as above), and a
 * TransactWriteItems with the same {@code ClientRequestToken} in that time is answered 400
 * {@code TransactionInProgressException} ("The transaction with the given request token is
 * already in progress."), not forwarded. After that a retry is forwarded, and the upstream
 * answers it: DynamoDB Local 2.6.1, like DynamoDB, is idempotent on the token (observed in
 * {@code TransactionInProgressTest}): the same token with the same parameters succeeds without
 * applying the transaction again, the same token with other parameters is answered 400
 * {@code IdempotentParameterMismatchException}. (DynamoDB keeps a token 10 minutes; not checked
 * for DynamoDB Local.) Holds transactions even with {@code conflictWindowMs=0}.
 * {@link ProductionLikeDynamo#awaitLostTransactionsReleased(Duration)} waits for the held items to go.
 *
 * <p>The BatchWriteItem part is applied by {@link Unprocessed}, the reads of half-applied
 * transactions by {@link TornReads}; both ask this class which items are held.
 */
final class TransactionHolds {
    private static final String CONFLICT_MESSAGE = "Transaction is ongoing for the item";
    private static final String IN_PROGRESS_MESSAGE = "The transaction with the given request token is already in progress.";

    private final Object holdLock = new Object();
    /** The items held, by the transaction holding them; guarded by holdLock. */
    private final Map<ItemId, Transaction> held = new HashMap<>();
    /** The ClientRequestTokens of the transactions holding items (database + token); guarded by holdLock. */
    private final Map<String, Transaction> tokens = new HashMap<>();
    /** Transactions whose response was lost and whose items stay held until their heldUntil; guarded by holdLock. */
    private final List<Transaction> lingering = new ArrayList<>();
    private int transactionsInFlight;

    /** A TransactWriteItems holding its items. */
    static final class Transaction {
        final Set<ItemId> items;
        final String token;
        /** System.nanoTime() at which a lingering transaction lets its items go; guarded by holdLock. */
        long heldUntil = Long.MAX_VALUE;
        /** Its items before it (tornReads), and the order it writes them in; set before it is forwarded. */
        volatile Map<ItemId, JsonNode> before = Map.of();
        volatile List<ItemId> order = List.of();
        /** Whether the upstream answered 200: it was applied. */
        volatile boolean applied;
        final CountDownLatch answered = new CountDownLatch(1);

        Transaction(Set<ItemId> items, String token) {
            this.items = items;
            this.token = token;
        }
    }

    private final ItemKeys keys;
    private final Forwarding forwarding;
    private final Counters counters;

    TransactionHolds(ItemKeys keys, Forwarding forwarding, Counters counters) {
        this.keys = keys;
        this.forwarding = forwarding;
        this.counters = counters;
    }

    /** TransactWriteItems calls holding their items right now. */
    int transactionsInFlight() {
        synchronized (holdLock) {
            return transactionsInFlight;
        }
    }

    /** Waits until at least {@code count} TransactWriteItems calls hold their items; false on timeout. */
    boolean awaitTransactionsInFlight(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (holdLock) {
            while (transactionsInFlight < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(holdLock, left);
            }
            return true;
        }
    }

    /**
     * Waits until no TransactWriteItems whose response was lost still holds its items
     * ({@code inProgressAfterLossMs}); false on timeout.
     */
    boolean awaitLostTransactionsReleased(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (holdLock) {
            while (true) {
                long now = System.nanoTime();
                releaseLingering(now);
                if (lingering.isEmpty()) return true;
                long until = Math.min(deadline, lingering.stream().mapToLong(t -> t.heldUntil).min().orElse(now));
                if (now >= deadline) return false;
                TimeUnit.NANOSECONDS.timedWait(holdLock, Math.max(1, until - now));
            }
        }
    }

    Outcome transactWrite(HttpWire.Request request, JsonNode body, String database, Rules rules)
            throws InterruptedException {
        List<JsonNode> actions = Json.array(Json.field(body, "TransactItems").orElse(null));
        if (actions == null) return forwarding.forwardMaybeLost(request, request.body(), "TransactWriteItems", rules);
        List<ItemId> ids = new ArrayList<>(actions.size());
        for (JsonNode action : actions) ids.add(transactWriteItem(action, database, request));
        String clientToken = Json.string(Json.field(body, "ClientRequestToken").orElse(null));
        long windowNanos = TimeUnit.MILLISECONDS.toNanos(rules.conflictWindowMs());
        long acceptedAt = System.nanoTime();
        Set<ItemId> mine = new HashSet<>();
        for (ItemId id : ids) {
            if (id != null) mine.add(id);
        }
        Transaction transaction = new Transaction(mine, clientToken == null ? null : database + "\u0000" + clientToken);
        synchronized (holdLock) {
            releaseLingering(acceptedAt);
            if (transaction.token != null && tokens.containsKey(transaction.token)) {
                // The same transaction again (an SDK retry reuses its token) while the first is still being applied.
                counters.inProgress.increment();
                return Outcome.answer(error("{\"__type\":\"" + DYNAMODB_ERROR + "TransactionInProgressException\","
                        + "\"message\":\"" + IN_PROGRESS_MESSAGE + "\"}"));
            }
            boolean[] conflicting = new boolean[ids.size()];
            boolean any = false;
            for (int i = 0; i < ids.size(); i++) {
                conflicting[i] = ids.get(i) != null && held.containsKey(ids.get(i));
                any |= conflicting[i];
            }
            if (any) {
                counters.transactionConflicts.increment();
                return Outcome.answer(cancelled(conflicting, "TransactionConflict", CONFLICT_MESSAGE));
            }
            for (ItemId id : mine) held.put(id, transaction);
            if (transaction.token != null) tokens.put(transaction.token, transaction);
            transactionsInFlight++;
            holdLock.notifyAll();
        }
        Outcome outcome = null;
        try {
            outcome = forwarding.forwardMaybeLost(request, request.body(), "TransactWriteItems", rules, transaction);
            long left = acceptedAt + windowNanos - System.nanoTime();
            if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
            return outcome;
        } finally {
            long lingerNanos = TimeUnit.MILLISECONDS.toNanos(rules.inProgressAfterLossMs());
            synchronized (holdLock) {
                if (outcome != null && outcome.drop() != null && lingerNanos > 0) {
                    // Real DynamoDB may still be applying a transaction whose response was lost.
                    transaction.heldUntil = System.nanoTime() + lingerNanos;
                    lingering.add(transaction);
                } else {
                    release(transaction);
                }
                transactionsInFlight--;
                holdLock.notifyAll();
            }
        }
    }

    /** Lets a transaction's items and token go; holdLock held. */
    private void release(Transaction transaction) {
        for (ItemId id : transaction.items) held.remove(id, transaction);
        if (transaction.token != null) tokens.remove(transaction.token, transaction);
    }

    /** Releases the lingering transactions whose time is up; holdLock held. */
    private void releaseLingering(long now) {
        if (lingering.isEmpty()) return;
        lingering.removeIf(transaction -> {
            if (now < transaction.heldUntil) return false;
            release(transaction);
            return true;
        });
    }

    /** Whether an item is held now; holdLock held. */
    private boolean isHeld(ItemId id) {
        if (id == null) return false;
        releaseLingering(System.nanoTime());
        return held.containsKey(id);
    }

    private ItemId transactWriteItem(JsonNode action, String database, HttpWire.Request request) {
        Map<String, JsonNode> members = Json.object(action);
        if (members == null) return null;
        JsonNode put = members.get("Put");
        if (put != null) {
            return keys.fromItem(database, Json.string(Json.field(put, "TableName").orElse(null)),
                    Json.field(put, "Item").orElse(null), request);
        }
        for (String kind : List.of("Update", "Delete", "ConditionCheck")) {
            JsonNode keyed = members.get(kind);
            if (keyed != null) {
                return keys.fromKey(database, Json.string(Json.field(keyed, "TableName").orElse(null)),
                        Json.field(keyed, "Key").orElse(null));
            }
        }
        return null;
    }

    /** A TransactGetItems reading a held item is cancelled; null when it may go on. */
    Outcome transactGet(HttpWire.Request request, JsonNode body, String database) {
        List<JsonNode> actions = Json.array(Json.field(body, "TransactItems").orElse(null));
        if (actions == null) return null;
        boolean[] conflicting = new boolean[actions.size()];
        boolean any = false;
        List<ItemId> ids = new ArrayList<>();
        for (JsonNode action : actions) {
            JsonNode get = Json.field(action, "Get").orElse(null);
            ids.add(get == null ? null : keys.fromKey(database, Json.string(Json.field(get, "TableName").orElse(null)),
                    Json.field(get, "Key").orElse(null)));
        }
        synchronized (holdLock) {
            for (int i = 0; i < ids.size(); i++) {
                conflicting[i] = isHeld(ids.get(i));
                any |= conflicting[i];
            }
        }
        if (!any) return null;
        counters.transactionConflicts.increment();
        return Outcome.answer(cancelled(conflicting, "TransactionConflict", CONFLICT_MESSAGE));
    }

    /** A PutItem, UpdateItem or DeleteItem of a held item is answered TransactionConflictException; null when it may go on. */
    Outcome singleItemWrite(HttpWire.Request request, JsonNode body, String database, String operation) {
        String table = Json.string(Json.field(body, "TableName").orElse(null));
        ItemId id = operation.equals("PutItem")
                ? keys.fromItem(database, table, Json.field(body, "Item").orElse(null), request)
                : keys.fromKey(database, table, Json.field(body, "Key").orElse(null));
        if (id == null) return null;
        synchronized (holdLock) {
            if (!isHeld(id)) return null;
        }
        counters.singleItemConflicts.increment();
        return Outcome.answer(error("{\"__type\":\"" + DYNAMODB_ERROR + "TransactionConflictException\",\"message\":\"" + CONFLICT_MESSAGE + "\"}"));
    }

    /** Which of the items are held now, checked under one lock. */
    boolean[] held(List<ItemId> ids) {
        boolean[] flags = new boolean[ids.size()];
        synchronized (holdLock) {
            for (int i = 0; i < ids.size(); i++) flags[i] = isHeld(ids.get(i));
        }
        return flags;
    }

    /** The transaction holding the item, or null. */
    Transaction holder(ItemId id) {
        synchronized (holdLock) {
            return held.get(id);
        }
    }

    /** The transactions holding items of these tables of the database. */
    List<Transaction> on(Set<String> tables, String database) {
        List<Transaction> pending = new ArrayList<>();
        synchronized (holdLock) {
            held.forEach((id, transaction) -> {
                if (id.database().equals(database) && tables.contains(id.table()) && !pending.contains(transaction)) pending.add(transaction);
            });
        }
        return pending;
    }
}

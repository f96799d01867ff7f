package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Reads.tableOf;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openprofiles.prodlike.ItemKeys.ItemId;
import org.openprofiles.prodlike.Reads.Older;
import org.openprofiles.prodlike.TransactionHolds.Transaction;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * <b>Torn reads</b> ({@code tornReads=true}; needs a conflict window, which is how long a
 * transaction is in flight): DynamoDB isolates a BatchGetItem, Query or Scan from a transaction
 * only per item (read-committed), so one may see part of a TransactWriteItems being applied.
 * Writes then read their pre-images as for stale reads. A BatchGetItem, Query or Scan of the
 * base table reading a table on which a transaction holds items first waits until the upstream
 * answered that transaction (it reads while the transaction is applied, not before); then each
 * item the answer has (BatchGetItem: each key it asked) that an applied transaction still holds
 * shows, for the 1st, 3rd, 5th... item the transaction writes (request order), its version
 * before the transaction (an item the transaction created is missing, one it deleted is there,
 * in BatchGetItem), and for the others the new one. {@code ConsistentRead=true} does not
 * prevent it. GetItem and TransactGetItems are not changed (one item; serialisable). The SDK
 * sees an ordinary 200.
 */
final class TornReads {
    private final TransactionHolds holds;

    TornReads(TransactionHolds holds) {
        this.holds = holds;
    }

    /**
     * The version a read shows of an item an applied transaction still holds: the one before the
     * transaction for the 1st, 3rd, 5th... item it writes; null for the others (the new one).
     */
    Older older(ItemId id) {
        Transaction transaction = holds.holder(id);
        if (transaction != null && transaction.applied && transaction.before.containsKey(id)
                && transaction.order.indexOf(id) % 2 == 0) {
            return new Older(transaction.before.get(id));
        }
        return null;
    }

    /**
     * Before a read that may see half of a transaction (tornReads), waits until the upstream
     * answered each transaction in flight on a table it reads: the read then arrives while the
     * transaction is being applied, not before.
     */
    void awaitTransactionsApplied(Set<String> tables, String database) throws InterruptedException {
        for (Transaction transaction : holds.on(tables, database)) transaction.answered.await(Upstream.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The tables a read names. */
    static Set<String> tablesRead(String operation, JsonNode body) {
        if (operation.equals("BatchGetItem")) {
            Map<String, JsonNode> requestItems = Json.object(Json.field(body, "RequestItems").orElse(null));
            return requestItems == null ? Set.of() : requestItems.keySet();
        }
        String table = tableOf(body);
        return table == null ? Set.of() : Set.of(table);
    }
}

package org.openprofiles.prodlike;

import java.util.Map;

/**
 * What {@link ProductionLikeDynamo} did, since start or the last {@link ProductionLikeDynamo#resetStats()}. Maps are by operation (the
 * X-Amz-Target suffix, e.g. {@code PutItem}); absent means zero.
 *
 * @param calls              requests received (every HTTP request, HTTP-level resends included)
 * @param forwarded          requests sent upstream
 * @param transactionConflicts TransactWriteItems and TransactGetItems cancelled with TransactionConflict
 * @param singleItemConflicts PutItem, UpdateItem, DeleteItem answered TransactionConflictException
 * @param batchItemsDeferred BatchWriteItem requests returned in UnprocessedItems because their item was held
 * @param throttled          calls answered with a throttling error
 * @param dropped            forwarded calls whose response was dropped
 * @param unprocessed        BatchGetItem calls answered with all their keys unprocessed, BatchWriteItem calls
 *                           answered with part of their writes unprocessed (unprocessItemsEvery)
 * @param indexItemsHidden   items removed from Query and Scan answers on an index by the index lag
 * @param stopped            calls refused (reset, not forwarded) by {@link ProductionLikeDynamo#stopAfter(int)}
 * @param inProgress         TransactWriteItems answered TransactionInProgressException
 * @param olderItems         items a read showed in an older version (or left out, or added) by staleReadMs or tornReads
 * @param indexItemsOlder    items Query and Scan answers on an index showed in their version before a recent write
 * @param held               calls held unanswered by holdCalls (then dropped, never forwarded)
 * @param denied             accesses refused by {@link ProductionLikeDynamo#checkAccess}, by "role: access" (its calls
 *                           answered AccessDeniedException, never forwarded)
 */
public record Stats(Map<String, Long> calls, Map<String, Long> forwarded, long transactionConflicts,
        long singleItemConflicts, long batchItemsDeferred, Map<String, Long> throttled, Map<String, Long> dropped,
        Map<String, Long> unprocessed, long indexItemsHidden, Map<String, Long> stopped, long inProgress, long olderItems, long indexItemsOlder,
        Map<String, Long> held, Map<String, Long> denied) {
    /** Requests received, all operations: what one operation costs, when it ran alone since the last reset. */
    public long totalCalls() {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests sent upstream, all operations. */
    public long totalForwarded() {
        return forwarded.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Calls of the operation refused by stopAfter. */
    public long stopped(String operation) {
        return stopped.getOrDefault(operation, 0L);
    }

    /** Calls of the operation held by holdCalls. */
    public long held(String operation) {
        return held.getOrDefault(operation, 0L);
    }

    /** Calls held by holdCalls, all operations. */
    public long callsHeld() {
        return held.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Calls refused by stopAfter, all operations. */
    public long callsStopped() {
        return stopped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** BatchGetItem calls answered with every key unprocessed; BatchWriteItem calls with half their writes unprocessed. */
    public long unprocessed(String operation) {
        return unprocessed.getOrDefault(operation, 0L);
    }

    public long calls(String operation) {
        return calls.getOrDefault(operation, 0L);
    }

    public long forwarded(String operation) {
        return forwarded.getOrDefault(operation, 0L);
    }

    public long throttled(String operation) {
        return throttled.getOrDefault(operation, 0L);
    }

    public long dropped(String operation) {
        return dropped.getOrDefault(operation, 0L);
    }

    /** Throttling errors injected, all operations. */
    public long throttles() {
        return throttled.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Responses dropped, all operations. */
    public long responsesDropped() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
}

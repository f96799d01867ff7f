package org.openprofiles.prodlike;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/** What the proxy did, as {@link Stats} reports it: counted by each rule as it acts, from any thread, without a lock. */
final class Counters {
    final ConcurrentMap<String, LongAdder> calls = new ConcurrentHashMap<>();
    final ConcurrentMap<String, LongAdder> forwarded = new ConcurrentHashMap<>();
    final ConcurrentMap<String, LongAdder> throttled = new ConcurrentHashMap<>();
    final ConcurrentMap<String, LongAdder> dropped = new ConcurrentHashMap<>();
    final ConcurrentMap<String, LongAdder> unprocessed = new ConcurrentHashMap<>();
    final LongAdder transactionConflicts = new LongAdder();
    final LongAdder inProgress = new LongAdder();
    final LongAdder singleItemConflicts = new LongAdder();
    final LongAdder batchItemsDeferred = new LongAdder();
    final LongAdder indexItemsHidden = new LongAdder();
    final LongAdder olderItems = new LongAdder();
    final LongAdder indexItemsOlder = new LongAdder();
    final ConcurrentMap<String, LongAdder> stopped = new ConcurrentHashMap<>();
    final ConcurrentMap<String, LongAdder> held = new ConcurrentHashMap<>();
    /** Denied accesses, "role: what", each counted. */
    final ConcurrentMap<String, LongAdder> denied = new ConcurrentHashMap<>();

    Stats stats() {
        return new Stats(snapshot(calls), snapshot(forwarded), transactionConflicts.sum(), singleItemConflicts.sum(),
                batchItemsDeferred.sum(), snapshot(throttled), snapshot(dropped), snapshot(unprocessed), indexItemsHidden.sum(),
                snapshot(stopped), inProgress.sum(), olderItems.sum(), indexItemsOlder.sum(), snapshot(held), snapshot(denied));
    }

    void reset() {
        calls.clear();
        forwarded.clear();
        throttled.clear();
        dropped.clear();
        unprocessed.clear();
        transactionConflicts.reset();
        singleItemConflicts.reset();
        batchItemsDeferred.reset();
        indexItemsHidden.reset();
        stopped.clear();
        held.clear();
        denied.clear();
        inProgress.reset();
        olderItems.reset();
        indexItemsOlder.reset();
    }

    void denied(Access access) {
        count(denied, access.role() + ": " + access.describe());
    }

    static void count(ConcurrentMap<String, LongAdder> counters, String operation) {
        counters.computeIfAbsent(operation, o -> new LongAdder()).increment();
    }

    private static Map<String, Long> snapshot(ConcurrentMap<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((operation, adder) -> {
            long value = adder.sum();
            if (value > 0) copy.put(operation, value);
        });
        return Collections.unmodifiableMap(copy);
    }
}

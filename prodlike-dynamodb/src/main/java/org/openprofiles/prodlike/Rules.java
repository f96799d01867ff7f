package org.openprofiles.prodlike;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The fault rules of {@link ProductionLikeDynamo}: mutable and thread-safe, read by the proxy on every call.
 *
 * <p>{@link #parse(String)} syntax, for humans (environment variables, command lines): entries
 * separated by commas, each {@code key=value}; keys are case-insensitive, operation names are
 * the X-Amz-Target suffix as DynamoDB spells it ({@code PutItem}, {@code TransactWriteItems}) or
 * {@code *} for every operation; a key may repeat for several operations. Parsing starts from
 * {@link #defaults()} (conflict window {@value #DEFAULT_CONFLICT_WINDOW_MS}
 * ms, nothing else), so an empty spec is the defaults.
 * <pre>
 *   conflictWindowMs=&lt;ms&gt;                 transaction conflict window W; 0 turns conflicts off
 *   throttleEvery=&lt;Operation&gt;:&lt;N&gt;          throttle every Nth call of the operation (1 = every call, 0 = off)
 *   throttleFrom=&lt;Operation&gt;:&lt;N&gt;           throttle the Nth call of the operation and every one after it
 *   throttleAs=native|ThrottlingException  how throttled calls are answered (default native)
 *   loseResponseEvery=&lt;Operation&gt;:&lt;N&gt;      drop the response of every Nth forwarded call of the operation
 *   loseResponseAs=reset|timeout           how a dropped response looks (default reset)
 *   unprocessKeysEvery=BatchGetItem:&lt;N&gt;  answer every Nth BatchGetItem with all its keys unprocessed
 *   unprocessItemsEvery=BatchWriteItem:&lt;N&gt; write only the first half of every Nth BatchWriteItem, the rest unprocessed
 *   indexLagMs=&lt;ms&gt;                       Query and Scan on an index show items written less than ms ago as before (0 = off)
 *   latencyMs=&lt;ms&gt; | &lt;Operation&gt;:&lt;ms&gt;      fixed added latency, all operations or one
 *   jitterMs=&lt;ms&gt; | &lt;Operation&gt;:&lt;ms&gt;       plus uniform random 0..ms, all operations or one
 *   inProgressAfterLossMs=&lt;ms&gt;            after a lost TransactWriteItems response, hold its items and token ms more
 *   staleReadMs=&lt;ms&gt;                      eventually consistent reads of the base table may show the version before a write ms old
 *   tornReads=true|false                   BatchGetItem, Query, Scan may see half of a transaction in flight
 *   stopAfter=&lt;k&gt;                        let k more calls through, then reset every call until resumed
 *   holdCalls=&lt;Operation&gt;|*                hold its calls unanswered until the hold is lifted, then reset them, never forwarded
 * </pre>
 * Example: {@code conflictWindowMs=25,throttleEvery=TransactWriteItems:10,loseResponseEvery=PutItem:7,latencyMs=5}.
 * {@link #toString()} writes this syntax back.
 */
public final class Rules {
    /** The conflict window of {@link #defaults()}: a transaction on real DynamoDB takes tens of ms. */
    public static final long DEFAULT_CONFLICT_WINDOW_MS = 25;
    private static final Pattern OPERATION = Pattern.compile("\\*|[A-Z][A-Za-z0-9]*");

    private volatile long conflictWindowMs;
    private volatile long indexLagMs;
    private volatile long inProgressAfterLossMs;
    private volatile long staleReadMs;
    private volatile boolean tornReads;
    private volatile ThrottleStyle throttleAs = ThrottleStyle.NATIVE;
    private volatile LossStyle loseResponseAs = LossStyle.RESET;
    private final ConcurrentMap<String, Cadence> throttleEvery = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<String, Cadence> loseResponseEvery = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<String, Cadence> throttleFrom = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<String, Cadence> unprocessKeysEvery = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<String, Cadence> unprocessItemsEvery = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<String, Latency> latency = new ConcurrentSkipListMap<>();
    /** stopAfter's current arming, swapped whole so that a call sees one arming. */
    private volatile StopAfter stop = StopAfter.NONE;
    /** holdCalls' current arming, swapped whole so that a call sees one arming. */
    private volatile HoldCalls.Arming hold = HoldCalls.Arming.NONE;

    private Rules(long conflictWindowMs) {
        this.conflictWindowMs = conflictWindowMs;
    }

    /** Everything off: a transparent proxy (index lag 0 included). */
    public static Rules none() {
        return new Rules(0);
    }

    /** A conflict window of {@value #DEFAULT_CONFLICT_WINDOW_MS} ms, nothing else (index lag 0). */
    public static Rules defaults() {
        return new Rules(DEFAULT_CONFLICT_WINDOW_MS);
    }

    /** Rules from the syntax above; IllegalArgumentException naming the entry that is wrong. */
    public static Rules parse(String spec) {
        Rules rules = defaults();
        if (spec == null) return rules;
        for (String raw : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) continue;
            int eq = entry.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("'" + entry + "' is not key=value");
            String key = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = entry.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "conflictwindowms" -> rules.conflictWindowMs(number(value));
                    case "throttleevery" -> rules.throttleEvery(operation(value), (int) number(after(value)));
                    case "throttlefrom" -> rules.throttleFrom(operation(value), (int) number(after(value)));
                    case "throttleas" -> rules.throttleAs(switch (value.toLowerCase(Locale.ROOT)) {
                        case "native" -> ThrottleStyle.NATIVE;
                        case "throttlingexception" -> ThrottleStyle.THROTTLING_EXCEPTION;
                        default -> throw new IllegalArgumentException("native or ThrottlingException");
                    });
                    case "loseresponseevery" -> rules.loseResponseEvery(operation(value), (int) number(after(value)));
                    case "unprocesskeysevery" -> {
                        if (!operation(value).equals("BatchGetItem")) throw new IllegalArgumentException("unprocessKeysEvery applies to BatchGetItem only");
                        rules.unprocessKeysEvery((int) number(after(value)));
                    }
                    case "unprocessitemsevery" -> {
                        if (!operation(value).equals("BatchWriteItem")) throw new IllegalArgumentException("unprocessItemsEvery applies to BatchWriteItem only");
                        rules.unprocessItemsEvery((int) number(after(value)));
                    }
                    case "indexlagms" -> rules.indexLagMs(number(value));
                    case "inprogressafterlossms" -> rules.inProgressAfterLossMs(number(value));
                    case "stalereadms" -> rules.staleReadMs(number(value));
                    case "tornreads" -> rules.tornReads(switch (value.toLowerCase(Locale.ROOT)) {
                        case "true" -> true;
                        case "false" -> false;
                        default -> throw new IllegalArgumentException("true or false");
                    });
                    case "stopafter" -> rules.stopAfter((int) number(value));
                    case "holdcalls" -> rules.holdCalls(value);
                    case "loseresponseas" -> rules.loseResponseAs(switch (value.toLowerCase(Locale.ROOT)) {
                        case "reset" -> LossStyle.RESET;
                        case "timeout" -> LossStyle.TIMEOUT;
                        default -> throw new IllegalArgumentException("reset or timeout");
                    });
                    case "latencyms" -> {
                        String operation = value.contains(":") ? operation(value) : "*";
                        rules.latency(operation, number(value.contains(":") ? after(value) : value),
                                rules.latencyOf(operation).jitterMs());
                    }
                    case "jitterms" -> {
                        String operation = value.contains(":") ? operation(value) : "*";
                        rules.latency(operation, rules.latencyOf(operation).fixedMs(),
                                number(value.contains(":") ? after(value) : value));
                    }
                    default -> throw new IllegalArgumentException("unknown key; known: conflictWindowMs, "
                            + "throttleEvery, throttleFrom, throttleAs, loseResponseEvery, loseResponseAs, unprocessKeysEvery, unprocessItemsEvery, indexLagMs, inProgressAfterLossMs, staleReadMs, tornReads, "
                            + "latencyMs, jitterMs, stopAfter, holdCalls");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad rule '" + entry + "': " + e.getMessage(), e);
            }
        }
        return rules;
    }

    private static String operation(String value) {
        int colon = value.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("expected <Operation>:<number>");
        return value.substring(0, colon).trim();
    }

    private static String after(String value) {
        int colon = value.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("expected <Operation>:<number>");
        return value.substring(colon + 1).trim();
    }

    private static long number(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a whole number");
        }
    }

    private static String checkedOperation(String operation) {
        if (operation == null || !OPERATION.matcher(operation).matches()) {
            throw new IllegalArgumentException("'" + operation + "' is not an operation name (PutItem, TransactWriteItems, ...) or *");
        }
        return operation;
    }

    private static long nonNegative(long value, String what) {
        if (value < 0) throw new IllegalArgumentException(what + " must not be negative, got " + value);
        return value;
    }

    public long conflictWindowMs() {
        return conflictWindowMs;
    }

    /** The transaction conflict window W in ms; 0 turns conflict checks off. */
    public Rules conflictWindowMs(long ms) {
        this.conflictWindowMs = nonNegative(ms, "conflictWindowMs");
        return this;
    }

    /** A table that starts throttling for good: the Nth call of the operation and every later one (0 = off). */
    public Rules throttleFrom(String operation, int n) {
        set(throttleFrom, checkedOperation(operation), n, "throttleFrom");
        return this;
    }

    /** Throttles every {@code n}th call of {@code operation} ({@code *}: of all calls); 0 turns it off. */
    public Rules throttleEvery(String operation, int n) {
        set(throttleEvery, checkedOperation(operation), n, "throttleEvery");
        return this;
    }

    /** The N of {@code throttleEvery} for exactly this operation name, 0 if none. */
    public int throttleEvery(String operation) {
        Cadence cadence = throttleEvery.get(operation);
        return cadence == null ? 0 : cadence.every;
    }

    public ThrottleStyle throttleAs() {
        return throttleAs;
    }

    public Rules throttleAs(ThrottleStyle style) {
        this.throttleAs = style == null ? ThrottleStyle.NATIVE : style;
        return this;
    }

    /** Drops the response of every {@code n}th forwarded call of {@code operation} ({@code *}: of all); 0 turns it off. */
    public Rules loseResponseEvery(String operation, int n) {
        set(loseResponseEvery, checkedOperation(operation), n, "loseResponseEvery");
        return this;
    }

    /** Answer every Nth BatchGetItem with all its keys unprocessed (0 = off). */
    public Rules unprocessKeysEvery(int n) {
        set(unprocessKeysEvery, "BatchGetItem", n, "unprocessKeysEvery");
        return this;
    }

    /** Writes only the first half of every Nth BatchWriteItem and returns the rest in UnprocessedItems (0 = off). */
    public Rules unprocessItemsEvery(int n) {
        set(unprocessItemsEvery, "BatchWriteItem", n, "unprocessItemsEvery");
        return this;
    }

    public long indexLagMs() {
        return indexLagMs;
    }

    /** Query and Scan answers on an index show items written less than {@code ms} ago as they were before (or not at all); 0 turns it off. */
    public Rules indexLagMs(long ms) {
        this.indexLagMs = nonNegative(ms, "indexLagMs");
        return this;
    }

    /** Lets the next {@code k} calls through (0: none), then refuses every call until {@link #resume()}. */
    public Rules stopAfter(int k) {
        this.stop = StopAfter.arm(nonNegative(k, "stopAfter"));
        return this;
    }

    /** Ends stopAfter; {@link #callsLetThrough()} keeps its count. */
    public Rules resume() {
        this.stop = stop.resumed();
        return this;
    }

    /** The k of stopAfter while it is armed, -1 when it is not. */
    public long stopAfter() {
        StopAfter current = stop;
        return current.armed() ? current.after() : -1;
    }

    /** Calls let through since the last stopAfter, at most its k. */
    public long callsLetThrough() {
        return stop.letThrough();
    }

    /**
     * Holds every later call of {@code operation} ({@code *}: of any) unanswered and unforwarded until
     * {@link #releaseCalls()} (or {@link #clear()}, or the proxy given other rules); see {@link HoldCalls}.
     */
    public synchronized Rules holdCalls(String operation) {
        this.hold = hold.with(checkedOperation(operation));
        return this;
    }

    /** Lifts holdCalls: the calls it held are dropped (connection reset), never forwarded. */
    public synchronized Rules releaseCalls() {
        HoldCalls.Arming lifted = hold;
        this.hold = HoldCalls.Arming.NONE;
        lifted.lift();
        return this;
    }

    /** The operations holdCalls holds ({@code *} included), empty when none. */
    public Set<String> holdCalls() {
        return hold.operations();
    }

    /** The arming that holds a call of the operation, null when the call passes. */
    HoldCalls.Arming holdFor(String operation) {
        HoldCalls.Arming current = hold;
        return current.holds(operation) ? current : null;
    }

    /** Counts a call against stopAfter: true when it must be refused. */
    boolean stopNow() {
        return stop.stopNow();
    }

    public long inProgressAfterLossMs() {
        return inProgressAfterLossMs;
    }

    /** After a lost TransactWriteItems response, its items and ClientRequestToken stay held {@code ms} more; 0 turns it off. */
    public Rules inProgressAfterLossMs(long ms) {
        this.inProgressAfterLossMs = nonNegative(ms, "inProgressAfterLossMs");
        return this;
    }

    public long staleReadMs() {
        return staleReadMs;
    }

    /** Eventually consistent reads of the base table show the version before a write less than {@code ms} old; 0 turns it off. */
    public Rules staleReadMs(long ms) {
        this.staleReadMs = nonNegative(ms, "staleReadMs");
        return this;
    }

    public boolean tornReads() {
        return tornReads;
    }

    /** BatchGetItem, Query and Scan may see half of a transaction in flight (needs a conflict window). */
    public Rules tornReads(boolean on) {
        this.tornReads = on;
        return this;
    }

    /** Whether writes must first read the items they touch (their pre-images). */
    boolean readsPreImages() {
        return indexLagMs > 0 || staleReadMs > 0 || tornReads;
    }

    /** How long a write is remembered: the longest window a rule looks back on; 0 = not at all. */
    long remembersWritesMs() {
        return Math.max(indexLagMs, staleReadMs);
    }

    /** Whether a rule may change what a GetItem, BatchGetItem, Query or Scan shows. */
    boolean changesReads() {
        return indexLagMs > 0 || staleReadMs > 0 || tornReads;
    }

    boolean unprocessNow(String operation) {
        return operation.equals("BatchGetItem") && hit(unprocessKeysEvery, operation);
    }

    boolean partialBatchNow(String operation) {
        return operation.equals("BatchWriteItem") && hit(unprocessItemsEvery, operation);
    }

    /** The N of {@code loseResponseEvery} for exactly this operation name, 0 if none. */
    public int loseResponseEvery(String operation) {
        Cadence cadence = loseResponseEvery.get(operation);
        return cadence == null ? 0 : cadence.every;
    }

    public LossStyle loseResponseAs() {
        return loseResponseAs;
    }

    public Rules loseResponseAs(LossStyle style) {
        this.loseResponseAs = style == null ? LossStyle.RESET : style;
        return this;
    }

    /** Adds {@code fixedMs} plus uniform random 0..{@code jitterMs} to every call of {@code operation} ({@code *}: all). */
    public Rules latency(String operation, long fixedMs, long jitterMs) {
        String name = checkedOperation(operation);
        Latency value = new Latency(nonNegative(fixedMs, "latencyMs"), nonNegative(jitterMs, "jitterMs"));
        if (value.fixedMs() == 0 && value.jitterMs() == 0) latency.remove(name);
        else latency.put(name, value);
        return this;
    }

    /** Fixed added latency for every operation. */
    public Rules latencyMs(long fixedMs) {
        return latency("*", fixedMs, latencyOf("*").jitterMs());
    }

    /** The latency set for exactly this operation name ({@code *} included), zero if none. */
    public Latency latencyOf(String operation) {
        return latency.getOrDefault(operation, Latency.NONE);
    }

    /** Turns every rule off (conflict window 0, index lag 0). */
    public Rules clear() {
        conflictWindowMs = 0;
        indexLagMs = 0;
        inProgressAfterLossMs = 0;
        staleReadMs = 0;
        tornReads = false;
        throttleAs = ThrottleStyle.NATIVE;
        loseResponseAs = LossStyle.RESET;
        throttleEvery.clear();
        throttleFrom.clear();
        loseResponseEvery.clear();
        unprocessKeysEvery.clear();
        unprocessItemsEvery.clear();
        latency.clear();
        resume();
        releaseCalls();
        return this;
    }

    /** Added latency: fixed plus uniform random 0..jitter ms. */
    public record Latency(long fixedMs, long jitterMs) {
        static final Latency NONE = new Latency(0, 0);
    }

    private static void set(ConcurrentMap<String, Cadence> map, String operation, int n, String what) {
        if (n < 0) throw new IllegalArgumentException(what + " must not be negative, got " + n);
        if (n == 0) map.remove(operation);
        else map.put(operation, new Cadence(n));
    }

    boolean throttleNow(String operation) {
        Cadence from = throttleFrom.get(operation);
        if (from != null && from.count.incrementAndGet() >= from.every) return true;
        return hit(throttleEvery, operation);
    }

    boolean loseNow(String operation) {
        return hit(loseResponseEvery, operation);
    }

    /** The latency a call of the operation gets: its own, else the one set for {@code *}, else none. */
    Latency latencyFor(String operation) {
        Latency value = latency.get(operation);
        if (value == null) value = latency.get("*");
        return value == null ? Latency.NONE : value;
    }

    private static boolean hit(ConcurrentMap<String, Cadence> map, String operation) {
        Cadence cadence = map.get(operation);
        if (cadence == null) cadence = map.get("*");
        return cadence != null && cadence.count.incrementAndGet() % cadence.every == 0;
    }

    @Override
    public String toString() {
        List<String> entries = new ArrayList<>();
        entries.add("conflictWindowMs=" + conflictWindowMs);
        throttleEvery.forEach((operation, cadence) -> entries.add("throttleEvery=" + operation + ":" + cadence.every));
        throttleFrom.forEach((operation, cadence) -> entries.add("throttleFrom=" + operation + ":" + cadence.every));
        if (throttleAs != ThrottleStyle.NATIVE) entries.add("throttleAs=ThrottlingException");
        loseResponseEvery.forEach((operation, cadence) -> entries.add("loseResponseEvery=" + operation + ":" + cadence.every));
        if (loseResponseAs != LossStyle.RESET) entries.add("loseResponseAs=timeout");
        unprocessKeysEvery.forEach((operation, cadence) -> entries.add("unprocessKeysEvery=" + operation + ":" + cadence.every));
        unprocessItemsEvery.forEach((operation, cadence) -> entries.add("unprocessItemsEvery=" + operation + ":" + cadence.every));
        if (indexLagMs > 0) entries.add("indexLagMs=" + indexLagMs);
        if (inProgressAfterLossMs > 0) entries.add("inProgressAfterLossMs=" + inProgressAfterLossMs);
        if (staleReadMs > 0) entries.add("staleReadMs=" + staleReadMs);
        if (tornReads) entries.add("tornReads=true");
        if (stop.armed()) entries.add("stopAfter=" + stop.after());
        hold.operations().forEach(operation -> entries.add("holdCalls=" + operation));
        latency.forEach((operation, value) -> {
            String prefix = operation.equals("*") ? "" : operation + ":";
            if (value.fixedMs() > 0) entries.add("latencyMs=" + prefix + value.fixedMs());
            if (value.jitterMs() > 0) entries.add("jitterMs=" + prefix + value.jitterMs());
        });
        return String.join(",", entries);
    }

    private static final class Cadence {
        final int every;
        final AtomicLong count = new AtomicLong();

        Cadence(int every) {
            this.every = every;
        }
    }
}

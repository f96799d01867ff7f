package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Answers.rewritten;
import static org.openprofiles.prodlike.Answers.withMembers;
import static org.openprofiles.prodlike.Counters.count;
import static org.openprofiles.prodlike.Reads.consistent;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * An HTTP proxy in front of a DynamoDB endpoint (DynamoDB Local) that behaves, at the wire, as
 * real DynamoDB does under load: transactions conflict, calls are throttled, responses are lost
 * after the write committed, calls take time, indexes lag behind the table. The AWS SDK talks to
 * it exactly as to DynamoDB, so its own retries, backoff and timeouts run as they do in
 * production. For tests and local runs only; never part of the Lambda jar.
 *
 * <h2>Why</h2>
 * DynamoDB Local serialises transactions and never throttles. Real DynamoDB cancels a
 * TransactWriteItems when an item it touches (ConditionCheck included) is part of another
 * transaction in flight, rejects single-item writes to such an item, throttles, and can lose a
 * response after the write committed. DynamoDB Local also updates a table's secondary indexes with
 * the write; real DynamoDB's global secondary indexes are eventually consistent, so a Query or Scan
 * of one may miss an item written a moment ago.
 *
 * <h2>Rules ({@link Rules}, changeable at any time, thread-safe)</h2>
 * Each rule is documented in its class:
 * <ul>
 *   <li>{@link TransactionHolds}: transaction conflicts ({@code conflictWindowMs}), and a transaction
 *     still in progress after a lost response ({@code inProgressAfterLossMs});</li>
 *   <li>{@link Throttling} ({@code throttleEvery}, {@code throttleFrom}, {@code throttleAs});</li>
 *   <li>{@link LostResponses} ({@code loseResponseEvery}, {@code loseResponseAs});</li>
 *   <li>{@link Unprocessed}: unprocessed keys and items ({@code unprocessKeysEvery},
 *     {@code unprocessItemsEvery});</li>
 *   <li>{@link AddedLatency} ({@code latencyMs}, {@code jitterMs});</li>
 *   <li>{@link IndexLag} ({@code indexLagMs});</li>
 *   <li>{@link StaleReads} ({@code staleReadMs});</li>
 *   <li>{@link TornReads} ({@code tornReads});</li>
 *   <li>{@link StopAfter}: a caller that dies mid-way ({@code stopAfter}, {@link #stopAfter(int)}).</li>
 * </ul>
 * A call meets them in this order: stopAfter, latency, throttling, unprocessed keys and items, then
 * the read rules or the transaction holds; a forwarded call may then lose its response. What they
 * share: {@link Forwarding} and {@link Upstream} (forwarding, the proxy's own reads),
 * {@link RecentWrites} (writes' pre-images and acknowledgements), {@link Answers} (DynamoDB's bodies).
 *
 * <p>"Every Nth call" counts per rule and per operation (one counter for {@code *}); setting a rule
 * restarts its count. Calls are counted as they reach the proxy, so an HTTP-level resend is a call.
 *
 * <h2>What AWS SDK for Java v2 (2.54.13, url-connection-client) does with each, observed in this
 * module's tests</h2>
 * <ul>
 *   <li>{@code TransactionCanceledException} (TransactionConflict or ThrottlingError reasons): not
 *     retried; the caller gets {@code cancellationReasons()} in request order.</li>
 *   <li>{@code TransactionConflictException} (single-item write): <b>not retried</b>, neither by
 *     the SDK's default strategy for DynamoDB nor by the standard one the service configures (its
 *     code is in neither the SDK's throttling nor its retryable error codes, and it is a 400): the
 *     caller sees it on the first attempt.</li>
 *   <li>{@code ProvisionedThroughputExceededException} and {@code ThrottlingException}: retried with
 *     throttling backoff up to the strategy's max attempts, then thrown.</li>
 *   <li>Lost response, RESET: {@code SdkClientException} caused by the IOException
 *     ("Connection reset"), which the SDK retries (an IO error is retryable) up to max attempts.
 *     The write had committed: a retried non-idempotent write (UpdateItem ADD, a Put without a
 *     condition on a version) is applied twice. No resend happens below the SDK: the
 *     url-connection client streams the body with a fixed length, which turns off
 *     HttpURLConnection's silent resend of a failed POST ({@code sun.net.http.retryPost}).</li>
 *   <li>{@code TransactionInProgressException}: <b>retried</b> as a throttle (its code is in the
 *     SDK's throttling error codes), with throttling backoff, up to max attempts, then thrown. The
 *     SDK generates a {@code ClientRequestToken} for each TransactWriteItems call and sends the same
 *     one in every attempt: a retry after a lost response is recognised by DynamoDB, and, once the
 *     first completed, answered 200 without being applied twice.</li>
 *   <li>Lost response, TIMEOUT: the attempt ends at the client's read timeout ({@code socketTimeout})
 *     or {@code apiCallAttemptTimeout}, and the SDK retries it the same way.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * The request is forwarded with the client's SigV4 signature, which covers the proxy's Host (and,
 * for a rewritten BatchWriteItem, the original body): the upstream must not check signatures, as
 * DynamoDB Local does not. A table named by ARN and by name counts as two tables. PartiQL writes
 * are not remembered for the index lag or stale reads, and PartiQL reads are never changed. A
 * pre-image is read just before its write: a concurrent write landing between the two makes it
 * that write's version. Pre-images cost one upstream BatchGetItem per write (not counted in
 * {@link Stats}). An upstream answer with a {@code Content-Encoding} is not rewritten: a read
 * passes unchanged (with any key attributes the index lag added to its projection), and every put
 * and delete a BatchWriteItem forwarded counts as processed.
 */
public final class ProductionLikeDynamo implements AutoCloseable {
    /** The conflict window of {@link Rules#defaults()}: a transaction on real DynamoDB takes tens of ms. */
    public static final long DEFAULT_CONFLICT_WINDOW_MS = 25;
    private static final int MAX_CONNECTIONS = 1024;
    private static final int IDLE_CONNECTION_MS = 60_000;
    private static final Set<String> READS = Set.of("GetItem", "BatchGetItem", "Query", "Scan");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** How a throttled call is answered. */
    public enum ThrottleStyle {
        /** As DynamoDB does for a table: ProvisionedThroughputExceededException; transactions: TransactionCanceledException with ThrottlingError reasons. */
        NATIVE,
        /** 400 ThrottlingException ("Rate of requests exceeds the allowed throughput.") for every operation. */
        THROTTLING_EXCEPTION
    }

    /** How a lost response looks to the client. */
    public enum LossStyle {
        /** The connection is reset (TCP RST) with nothing written. */
        RESET,
        /** Nothing is written and the connection stays open until the client closes it (or 60 s). */
        TIMEOUT
    }

    private final ServerSocket serverSocket;
    private final ThreadPoolExecutor connections;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Rules rules;
    private volatile boolean closed;

    private final Counters counters = new Counters();
    private final Upstream upstream;
    private final Forwarding forwarding;
    private final TransactionHolds holds;
    private final Unprocessed unprocessed;
    private final TornReads tornReads;
    private final StaleReads staleReads;
    private final IndexLag indexLag;

    private ProductionLikeDynamo(URI upstream, int port, Rules rules) throws IOException {
        this.upstream = new Upstream(upstream, counters);
        this.rules = rules;
        ItemKeys keys = new ItemKeys(this.upstream::describeKeySchema);
        RecentWrites recentWrites = new RecentWrites(keys, this.upstream);
        this.forwarding = new Forwarding(this.upstream, recentWrites, counters);
        this.holds = new TransactionHolds(keys, forwarding, counters);
        this.unprocessed = new Unprocessed(keys, holds, forwarding, counters);
        this.tornReads = new TornReads(holds);
        this.staleReads = new StaleReads(keys, recentWrites, tornReads, counters);
        this.indexLag = new IndexLag(keys, recentWrites, this.upstream, counters);
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        int instance = INSTANCES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "prodlike-dynamo-" + instance + "-conn-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::acceptLoop, "prodlike-dynamo-" + instance + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts the proxy on 127.0.0.1:{@code port} (0 = a free port) with {@link Rules#defaults()}. */
    public static ProductionLikeDynamo start(URI upstream, int port) {
        return start(upstream, port, Rules.defaults());
    }

    /** Starts the proxy on 127.0.0.1:{@code port} (0 = a free port) with the given rules. */
    public static ProductionLikeDynamo start(URI upstream, int port, Rules rules) {
        if (upstream == null || upstream.getScheme() == null || upstream.getHost() == null) {
            throw new IllegalArgumentException("upstream must be an absolute http URI, got " + upstream);
        }
        try {
            return new ProductionLikeDynamo(upstream, port, rules == null ? Rules.none() : rules);
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on 127.0.0.1:" + port, e);
        }
    }

    /** Where clients send requests: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public URI upstream() {
        return upstream.uri();
    }

    /** The rules in force; changing them takes effect from the next call. */
    public Rules rules() {
        return rules;
    }

    /** Replaces the rules (their "every Nth" counts start afresh). */
    public void rules(Rules replacement) {
        this.rules = replacement == null ? Rules.none() : replacement;
    }

    /** TransactWriteItems calls holding their items right now. */
    public int transactionsInFlight() {
        return holds.transactionsInFlight();
    }

    /** Waits until at least {@code count} TransactWriteItems calls hold their items; false on timeout. */
    public boolean awaitTransactionsInFlight(int count, Duration timeout) throws InterruptedException {
        return holds.awaitTransactionsInFlight(count, timeout);
    }

    /**
     * Lets the next {@code k} calls through, then refuses every later one (connection reset, not
     * forwarded) until {@link #resume()}: a caller that died after its kth DynamoDB call. Same as
     * {@code rules().stopAfter(k)}: replacing the rules ends it.
     */
    public void stopAfter(int k) {
        rules.stopAfter(k);
    }

    /** Ends {@link #stopAfter(int)}: calls pass again. */
    public void resume() {
        rules.resume();
    }

    /** Calls let through since the last {@link #stopAfter(int)} (at most its k); kept after {@link #resume()}. */
    public long callsLetThrough() {
        return rules.callsLetThrough();
    }

    /**
     * Waits until no TransactWriteItems whose response was lost still holds its items
     * ({@code inProgressAfterLossMs}); false on timeout.
     */
    public boolean awaitLostTransactionsReleased(Duration timeout) throws InterruptedException {
        return holds.awaitLostTransactionsReleased(timeout);
    }

    public Stats stats() {
        return counters.stats();
    }

    public void resetStats() {
        counters.reset();
    }

    /** Stops listening, ends open connections and waiting calls (their held items are released). */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            acceptor.join(5_000); // the listening socket is released only once the blocked accept() returns
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket socket : open) LostResponses.closeQuietly(socket);
        connections.shutdownNow();
    }

    /**
     * What the proxy did, since start or the last {@link #resetStats()}. Maps are by operation (the
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
     */
    public record Stats(Map<String, Long> calls, Map<String, Long> forwarded, long transactionConflicts,
            long singleItemConflicts, long batchItemsDeferred, Map<String, Long> throttled, Map<String, Long> dropped,
            Map<String, Long> unprocessed, long indexItemsHidden, Map<String, Long> stopped, long inProgress, long olderItems, long indexItemsOlder) {
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

    /**
     * The fault rules: mutable and thread-safe, read by the proxy on every call.
     *
     * <p>{@link #parse(String)} syntax, for humans (environment variables, command lines): entries
     * separated by commas, each {@code key=value}; keys are case-insensitive, operation names are
     * the X-Amz-Target suffix as DynamoDB spells it ({@code PutItem}, {@code TransactWriteItems}) or
     * {@code *} for every operation; a key may repeat for several operations. Parsing starts from
     * {@link #defaults()} (conflict window {@value ProductionLikeDynamo#DEFAULT_CONFLICT_WINDOW_MS}
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
     * </pre>
     * Example: {@code conflictWindowMs=25,throttleEvery=TransactWriteItems:10,loseResponseEvery=PutItem:7,latencyMs=5}.
     * {@link #toString()} writes this syntax back.
     */
    public static final class Rules {
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

        private Rules(long conflictWindowMs) {
            this.conflictWindowMs = conflictWindowMs;
        }

        /** Everything off: a transparent proxy (index lag 0 included). */
        public static Rules none() {
            return new Rules(0);
        }

        /** A conflict window of {@value ProductionLikeDynamo#DEFAULT_CONFLICT_WINDOW_MS} ms, nothing else (index lag 0). */
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
                                + "latencyMs, jitterMs, stopAfter");
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

    // ---------------------------------------------------------------- serving

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closed) return;
                continue;
            }
            open.add(socket);
            try {
                connections.execute(() -> serve(socket));
            } catch (RejectedExecutionException full) {
                open.remove(socket);
                LostResponses.reset(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_CONNECTION_MS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (!closed) {
                HttpWire.Request request;
                try {
                    request = HttpWire.read(in, out);
                } catch (HttpWire.BadRequest bad) {
                    HttpWire.write(out, new HttpWire.Response(400, List.of(Map.entry("Connection", "close"),
                            Map.entry("Content-Type", "text/plain")), bad.getMessage().getBytes(StandardCharsets.UTF_8)));
                    return;
                }
                if (request == null) return;
                Outcome outcome = handle(request);
                if (outcome.drop() != null) {
                    LostResponses.drop(socket, in, outcome.drop());
                    return;
                }
                HttpWire.write(out, outcome.response());
                if (request.closeAfter()) return;
            }
        } catch (IOException | InterruptedException endOfConnection) {
            // the client went away, idled out, or the proxy is closing
        } finally {
            open.remove(socket);
            LostResponses.closeQuietly(socket);
        }
    }

    private Outcome handle(HttpWire.Request request) throws InterruptedException {
        Rules rules = this.rules;
        String operation = operation(request);
        count(counters.calls, operation);
        if (rules.stopNow()) {
            // A dead caller's calls never reach DynamoDB: reset, before any other rule, nothing forwarded.
            count(counters.stopped, operation);
            return new Outcome(null, LossStyle.RESET);
        }
        AddedLatency.spend(rules, operation);
        JsonNode body = switch (operation) {
            case "TransactWriteItems", "TransactGetItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "BatchGetItem" ->
                    Json.parseObject(request.body());
            case "Query", "Scan", "GetItem" -> rules.changesReads() ? Json.parseObject(request.body()) : null;
            default -> null;
        };
        if (rules.throttleNow(operation)) {
            count(counters.throttled, operation);
            return Outcome.answer(Throttling.answer(rules.throttleAs(), operation, body));
        }
        if (rules.unprocessNow(operation)) {
            count(counters.unprocessed, operation);
            return Outcome.answer(Unprocessed.allKeys(body));
        }
        if (body != null && rules.partialBatchNow(operation)) {
            count(counters.unprocessed, operation);
            return unprocessed.batchWrite(request, body, ItemKeys.database(request), rules, true);
        }
        if (body != null && READS.contains(operation) && rules.changesReads()) {
            if (rules.tornReads() && !operation.equals("GetItem")) {
                tornReads.awaitTransactionsApplied(TornReads.tablesRead(operation, body), ItemKeys.database(request));
            }
            List<String> keysAdded = IndexLag.laggingIndexRead(operation, body, rules) ? indexLag.keysLeftOut(body, request) : List.of();
            byte[] forwarded = keysAdded.isEmpty() ? request.body() : IndexLag.withProjected(body, keysAdded);
            Outcome outcome = forwarding.forwardMaybeLost(request, forwarded, operation, rules);
            return outcome.response() == null ? outcome
                    : Outcome.answer(readAnswer(request, body, operation, outcome.response(), rules, keysAdded));
        }
        if ((rules.conflictWindowMs() > 0 || rules.inProgressAfterLossMs() > 0) && body != null && !operation.equals("BatchGetItem")) {
            String database = ItemKeys.database(request);
            switch (operation) {
                case "TransactWriteItems":
                    return holds.transactWrite(request, body, database, rules);
                case "TransactGetItems":
                    Outcome cancelled = holds.transactGet(request, body, database);
                    if (cancelled != null) return cancelled;
                    break;
                case "PutItem", "UpdateItem", "DeleteItem":
                    Outcome conflict = holds.singleItemWrite(request, body, database, operation);
                    if (conflict != null) return conflict;
                    break;
                case "BatchWriteItem":
                    return unprocessed.batchWrite(request, body, database, rules, false);
                default:
                    break;
            }
        }
        return forwarding.forwardMaybeLost(request, request.body(), operation, rules);
    }

    private static String operation(HttpWire.Request request) {
        String target = request.header("X-Amz-Target");
        if (target == null || target.isBlank()) return "(no X-Amz-Target)";
        int dot = target.lastIndexOf('.');
        return target.substring(dot + 1).trim();
    }

    /** A read's answer as DynamoDB may give it while writes spread and transactions are applied; as it is when no rule applies. */
    private HttpWire.Response readAnswer(HttpWire.Request request, JsonNode body, String operation, HttpWire.Response response,
            Rules rules, List<String> keysAdded) {
        if (response.status() != 200 || response.header("Content-Encoding") != null) return response;
        JsonNode answer = Json.parseObject(response.body());
        if (answer == null) return response;
        String database = ItemKeys.database(request);
        long now = System.nanoTime();
        Map<String, String> changes;
        if (operation.equals("GetItem")) {
            changes = staleReads.getItem(body, database, now, rules);
        } else if (operation.equals("BatchGetItem")) {
            changes = staleReads.olderBatchItems(body, answer, database, request, now, rules);
        } else if (Json.string(Json.field(body, "IndexName").orElse(null)) != null) {
            changes = consistent(body) ? null : indexLag.laggingIndex(body, answer, database, request, now, rules, keysAdded);
        } else {
            changes = staleReads.olderQueryItems(body, answer, database, request, now, rules);
        }
        return changes == null ? response : rewritten(response, withMembers(answer, changes));
    }
}

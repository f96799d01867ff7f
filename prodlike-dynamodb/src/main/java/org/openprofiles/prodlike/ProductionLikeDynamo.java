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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
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
 *   <li>{@link StopAfter}: a caller that dies mid-way ({@code stopAfter}, {@link #stopAfter(int)});</li>
 *   <li>{@link HoldCalls}: DynamoDB that stops answering ({@code holdCalls}).</li>
 * </ul>
 * Apart from the rules, {@link #checkAccess} gives a role's calls only the rights its IAM policy would: a call
 * another rule does not end first is refused with {@code AccessDeniedException}, not forwarded, when one of its
 * {@link Access}es is not allowed.
 * A call meets them in this order: stopAfter, holdCalls, latency, throttling, unprocessed keys and items, then
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
    private static final int MAX_CONNECTIONS = 1024;
    private static final int IDLE_CONNECTION_MS = 60_000;
    private static final Set<String> READS = Set.of("GetItem", "BatchGetItem", "Query", "Scan");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

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
    private final HoldCalls heldCalls = new HoldCalls();
    private final ItemKeys keys;
    private volatile Predicate<Access> allowed;

    private ProductionLikeDynamo(URI upstream, int port, Rules rules) throws IOException {
        this.upstream = new Upstream(upstream, counters);
        this.rules = rules;
        this.keys = new ItemKeys(this.upstream::describeKeySchema);
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

    /** Replaces the rules (their "every Nth" counts start afresh); the calls the old rules held are released. */
    public void rules(Rules replacement) {
        Rules previous = this.rules;
        this.rules = replacement == null ? Rules.none() : replacement;
        if (previous != this.rules) previous.releaseCalls();
    }

    /**
     * From the next call on, a call made in a role ({@link Access#ROLE_HEADER}) is answered 400 AccessDeniedException,
     * and not forwarded, unless {@code allowed} accepts each of its {@link Access}es, as IAM would deny a call its role's
     * policy does not allow (a role's denials are in {@link Stats#denied()}). Null: no call is checked.
     */
    public void checkAccess(Predicate<Access> allowed) {
        this.allowed = allowed;
    }

    /** Waits until {@code holdCalls} holds at least {@code count} calls at once; false on timeout. */
    public boolean awaitHeldNow(int count, Duration timeout) throws InterruptedException {
        return heldCalls.await(held -> held >= count, timeout);
    }

    /** Waits until every call {@code holdCalls} held has been dropped; false on timeout. */
    public boolean awaitNoneHeld(Duration timeout) throws InterruptedException {
        return heldCalls.await(held -> held == 0, timeout);
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
        HoldCalls.Arming hold = rules.holdFor(operation);
        if (hold != null) {
            // A stalled DynamoDB: no answer until the hold is lifted, then none either, and nothing forwarded late.
            count(counters.held, operation);
            heldCalls.hold(hold);
            return new Outcome(null, LossStyle.RESET);
        }
        Predicate<Access> allowed = this.allowed;
        if (allowed != null && request.header(Access.ROLE_HEADER) != null) {
            for (Access access : Access.of(request, operation, Json.parseObject(request.body()), keys)) {
                if (allowed.test(access)) continue;
                counters.denied(access);
                return Outcome.answer(Answers.error("{\"__type\":\"com.amazon.coral.service#AccessDeniedException\",\"Message\":"
                        + Json.quote("User: " + access.role() + " is not authorized to perform: " + access.action() + " on resource: "
                                + access.resource() + " because no identity-based policy allows the " + access.action() + " action") + "}"));
            }
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

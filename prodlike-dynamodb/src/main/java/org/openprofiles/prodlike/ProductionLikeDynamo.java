package org.openprofiles.prodlike;

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
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.openprofiles.prodlike.ItemKeys.ItemId;
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
 * <ul>
 *   <li><b>Transaction conflicts</b>, window W = {@code conflictWindowMs} (0 = off). An item is
 *     identified by the caller's database (access key and region), the table name, and its primary
 *     key values; a table's key schema is asked of the upstream once with DescribeTable (with the
 *     caller's Authorization header) and cached. A TransactWriteItems whose items (Put: from Item;
 *     Update, Delete, ConditionCheck: from Key) are all free holds them all (check-and-hold under
 *     one lock), is forwarded, and keeps them until the upstream answered <em>and</em> W ms have
 *     passed since it was accepted; then they are released and the client answered. If any is held
 *     it is not forwarded: 400 {@code TransactionCanceledException} with one reason per action in
 *     request order, {@code TransactionConflict} ("Transaction is ongoing for the item") for held
 *     items, {@code None} for the others. A TransactGetItems touching a held item is cancelled the
 *     same way (it holds nothing). PutItem, UpdateItem and DeleteItem of a held item: 400
 *     {@code TransactionConflictException}, not forwarded; they hold nothing themselves.
 *     BatchWriteItem: the put and delete requests on held items are not forwarded but returned in
 *     {@code UnprocessedItems}, merged with the upstream's (real DynamoDB does not model
 *     TransactionConflictException for BatchWriteItem: its documented way to report an item it
 *     could not write is UnprocessedItems); when all are held, 200 with only UnprocessedItems.
 *     PartiQL calls (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) are not checked.
 *     A TransactWriteItems with the {@code ClientRequestToken} of one that holds its items (same
 *     database) is answered 400 {@code TransactionInProgressException}, not forwarded.</li>
 *   <li><b>Transaction still in progress after a lost response</b>, {@code inProgressAfterLossMs} = M
 *     (0 = off): when the response of a TransactWriteItems is lost ({@code loseResponseEvery}), real
 *     DynamoDB may still be applying it: its items stay held M ms more (other transactions get
 *     TransactionConflict, single-item writes TransactionConflictException, as above), and a
 *     TransactWriteItems with the same {@code ClientRequestToken} in that time is answered 400
 *     {@code TransactionInProgressException} ("The transaction with the given request token is
 *     already in progress."), not forwarded. After that a retry is forwarded, and the upstream
 *     answers it: DynamoDB Local 2.6.1, like DynamoDB, is idempotent on the token (observed in
 *     {@code TransactionInProgressTest}): the same token with the same parameters succeeds without
 *     applying the transaction again, the same token with other parameters is answered 400
 *     {@code IdempotentParameterMismatchException}. (DynamoDB keeps a token 10 minutes; not checked
 *     for DynamoDB Local.) Holds transactions even with {@code conflictWindowMs=0}.
 *     {@link #awaitLostTransactionsReleased(Duration)} waits for the held items to go.</li>
 *   <li><b>Throttling</b>: every Nth call of an operation ({@code throttleEvery}) is answered, not
 *     forwarded: {@code ProvisionedThroughputExceededException} (400), or, for TransactWriteItems
 *     and TransactGetItems, a {@code TransactionCanceledException} whose reasons are all
 *     {@code ThrottlingError}, as real DynamoDB answers. With {@code throttleAs=ThrottlingException}
 *     every throttled call is answered 400 {@code ThrottlingException} instead.</li>
 *   <li><b>Lost responses</b>: every Nth <em>forwarded</em> call of an operation
 *     ({@code loseResponseEvery}) commits upstream and its response is dropped. {@link LossStyle#RESET}
 *     (default): the connection is reset (TCP RST) with nothing written; {@link LossStyle#TIMEOUT}:
 *     the connection stays silent until the client gives up and closes it.</li>
 *   <li><b>Unprocessed keys</b>: every Nth BatchGetItem ({@code unprocessKeysEvery}) is answered
 *     200 with nothing read and every requested key in {@code UnprocessedKeys}, as DynamoDB does when
 *     it runs out of capacity or response size mid-batch. The SDK does not retry a 200: the caller
 *     must.</li>
 *   <li><b>Unprocessed items</b>: every Nth BatchWriteItem ({@code unprocessItemsEvery}) forwards
 *     only the first half of its put and delete requests (in request order, tables in the order the
 *     request names them; half rounded down, so at least one is not written) and answers 200 with the
 *     rest in {@code UnprocessedItems}, merged with the upstream's, as DynamoDB does when a batch
 *     runs out of capacity part-way. A batch of one request is not forwarded at all. The SDK does not
 *     retry a 200: the caller must resend the UnprocessedItems.</li>
 *   <li><b>Latency</b>: fixed ms plus a uniform random jitter, per operation or for all
 *     ({@code *}), spent on arrival, before any other rule and before forwarding.</li>
 *   <li><b>Index lag</b>, N = {@code indexLagMs} (0 = off). While it is on, the proxy remembers,
 *     per item (identified as for conflicts: database, table name, primary key values), when the
 *     upstream answered 200 to a write of it: PutItem, UpdateItem, DeleteItem; each put and delete
 *     of a BatchWriteItem that was processed (forwarded, and not in the upstream's
 *     {@code UnprocessedItems}); each Put, Update and Delete of a TransactWriteItems (not a
 *     ConditionCheck). A write whose response is then dropped counts: it committed. Writes made
 *     while the rule is off are not remembered. Each write first reads its items' pre-images, as
 *     for stale reads. A Query or Scan that names an {@code IndexName} (without
 *     {@code ConsistentRead=true}, which only a local secondary index accepts, and reads strongly)
 *     shows, for every item written less than N ms before its answer, the index as it was before
 *     that write: the item's pre-image when it was in this read's result (for a Query, its key
 *     condition held; for a Scan, it had the index's key attributes), projected as the index
 *     projects (ALL, KEYS_ONLY, INCLUDE, from DescribeTable) and then as the read asks; otherwise
 *     the item is left out. So an updated item shows its old attributes, an item created or moved
 *     in (its index key changed) is missing, and an item deleted or moved out is still there: such
 *     an item, not in the upstream's answer, is added at the end of the page when the page is the
 *     last ({@code LastEvaluatedKey} absent), the read is not a segment of a parallel Scan, and a
 *     consistent GetItem upstream shows its current version is not in the result (else it is on
 *     another page). {@code Count} is matched; {@code ScannedCount} and {@code LastEvaluatedKey}
 *     stay as the upstream gave them; added items are not in index order and may exceed a
 *     {@code Limit}. With a {@code FilterExpression} (or a legacy QueryFilter, ScanFilter,
 *     KeyConditions), an unreadable key condition, or an index the upstream does not describe, the
 *     proxy cannot tell whether a pre-image belongs: recent writes are only left out, nothing
 *     shown or added. Items are matched by the table's key attributes: a
 *     {@code ProjectionExpression} that leaves them out gets them added before forwarding
 *     ({@code #prodlikeKey0}...) and taken out of the answer. A legacy {@code AttributesToGet}
 *     without them, and a {@code Select=COUNT} answer (no Items), are not changed. Requests without
 *     {@code IndexName} are not changed by this rule (see stale reads). Remembered writes older
 *     than the lag are dropped as the memory grows.</li>
 *   <li><b>Stale reads</b>, S = {@code staleReadMs} (0 = off): an eventually consistent read of the
 *     base table (GetItem, BatchGetItem per table, Query and Scan without {@code IndexName}; all
 *     without {@code ConsistentRead=true}) shows, for an item written less than S ms before its
 *     answer, the version before that write: an updated item its old attributes, an item created
 *     then is missing, an item deleted then is still there (GetItem, BatchGetItem). To know the
 *     version before, the proxy reads the items each write touches (PutItem, UpdateItem,
 *     DeleteItem, BatchWriteItem, TransactWriteItems but its ConditionChecks) just before forwarding
 *     it, with one consistent BatchGetItem upstream in the caller's name (its Authorization header,
 *     as for DescribeTable): the pre-image. Remembered as for the index lag; a write made while no
 *     rule needs pre-images has none and changes no read. The old version is projected by the
 *     read's ProjectionExpression (or AttributesToGet) at the top level: a nested path keeps its
 *     whole top-level attribute. Query and Scan answers have their {@code Count} matched; they never
 *     bring back an item deleted (the proxy cannot evaluate a key condition or filter on it).
 *     Consistent reads are never changed. The SDK sees an ordinary 200.</li>
 *   <li><b>Torn reads</b> ({@code tornReads=true}; needs a conflict window, which is how long a
 *     transaction is in flight): DynamoDB isolates a BatchGetItem, Query or Scan from a transaction
 *     only per item (read-committed), so one may see part of a TransactWriteItems being applied.
 *     Writes then read their pre-images as for stale reads. A BatchGetItem, Query or Scan of the
 *     base table reading a table on which a transaction holds items first waits until the upstream
 *     answered that transaction (it reads while the transaction is applied, not before); then each
 *     item the answer has (BatchGetItem: each key it asked) that an applied transaction still holds
 *     shows, for the 1st, 3rd, 5th... item the transaction writes (request order), its version
 *     before the transaction (an item the transaction created is missing, one it deleted is there,
 *     in BatchGetItem), and for the others the new one. {@code ConsistentRead=true} does not
 *     prevent it. GetItem and TransactGetItems are not changed (one item; serialisable). The SDK
 *     sees an ordinary 200.</li>
 *   <li><b>A caller that dies mid-way</b>: {@code stopAfter=k} ({@link Rules#stopAfter(int)}, or
 *     {@link #stopAfter(int)} on the proxy): the next k calls that reach the proxy, any operation, are
 *     handled as usual (the kth is forwarded and answered as any other); every call after them is
 *     refused before any other rule, not forwarded: the connection is reset with nothing written, as
 *     the calls of a Lambda function that died (timeout, crash) never reach DynamoDB. Until
 *     {@link #resume()}. {@link #callsLetThrough()} says how many calls passed since arming,
 *     {@link Stats#stopped()} how many were refused. The SDK sees a refused call as the lost
 *     response RESET below (an IO error, retried up to max attempts, each retry refused too). To
 *     find the k that stops an operation after its kth DynamoDB call, run it once uncontended and
 *     read {@link Stats#totalCalls()}.</li>
 * </ul>
 * "Every Nth call" counts per rule and per operation (one counter for {@code *}); setting a rule
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
    private static final int MAX_SILENCE_MS = 60_000;
    /** Remembered writes are pruned when they reach this many (or twice what the last pruning kept). */
    private static final int RECENT_WRITES_PRUNE_FLOOR = 10_000;
    private static final Set<String> READS = Set.of("GetItem", "BatchGetItem", "Query", "Scan");
    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(30);
    private static final String JSON_1_0 = "application/x-amz-json-1.0";
    private static final String DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#";
    private static final String CONFLICT_MESSAGE = "Transaction is ongoing for the item";
    private static final String IN_PROGRESS_MESSAGE = "The transaction with the given request token is already in progress.";
    private static final String THROTTLING_REASON = "Throughput exceeds the current capacity of your table or index. "
            + "DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, "
            + "check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html.";
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length", "expect");
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

    private final URI upstream;
    private final String upstreamBase;
    private final ServerSocket serverSocket;
    private final ThreadPoolExecutor connections;
    private final Thread acceptor;
    private final HttpClient http;
    private final ItemKeys keys;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Rules rules;
    private volatile boolean closed;

    private final Object holdLock = new Object();
    /** The items held, by the transaction holding them; guarded by holdLock. */
    private final Map<ItemId, Transaction> held = new HashMap<>();
    /** The ClientRequestTokens of the transactions holding items (database + token); guarded by holdLock. */
    private final Map<String, Transaction> tokens = new HashMap<>();
    /** Transactions whose response was lost and whose items stay held until their heldUntil; guarded by holdLock. */
    private final List<Transaction> lingering = new ArrayList<>();
    private int transactionsInFlight;

    /** A TransactWriteItems holding its items. */
    private static final class Transaction {
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

    /** Index lag, stale reads: the last write of each item the upstream acknowledged, and the item before it. */
    private final ConcurrentMap<ItemId, Write> recentWrites = new ConcurrentHashMap<>();
    /** Index lag: index schemas by database, table and index name. */
    private final ConcurrentMap<String, IndexSchema> indexSchemas = new ConcurrentHashMap<>();
    private final AtomicInteger recentWritesPruneAt = new AtomicInteger(RECENT_WRITES_PRUNE_FLOOR);

    private final ConcurrentMap<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> forwarded = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> throttled = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> unprocessed = new ConcurrentHashMap<>();
    private final LongAdder transactionConflicts = new LongAdder();
    private final LongAdder inProgress = new LongAdder();
    private final LongAdder singleItemConflicts = new LongAdder();
    private final LongAdder batchItemsDeferred = new LongAdder();
    private final LongAdder indexItemsHidden = new LongAdder();
    private final LongAdder olderItems = new LongAdder();
    private final LongAdder indexItemsOlder = new LongAdder();
    private final ConcurrentMap<String, LongAdder> stopped = new ConcurrentHashMap<>();

    private ProductionLikeDynamo(URI upstream, int port, Rules rules) throws IOException {
        this.upstream = upstream;
        String base = upstream.toString();
        this.upstreamBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.rules = rules;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.keys = new ItemKeys(this::describeKeySchema);
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
        return upstream;
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
        synchronized (holdLock) {
            return transactionsInFlight;
        }
    }

    /** Waits until at least {@code count} TransactWriteItems calls hold their items; false on timeout. */
    public boolean awaitTransactionsInFlight(int count, Duration timeout) throws InterruptedException {
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

    public Stats stats() {
        return new Stats(snapshot(calls), snapshot(forwarded), transactionConflicts.sum(), singleItemConflicts.sum(),
                batchItemsDeferred.sum(), snapshot(throttled), snapshot(dropped), snapshot(unprocessed), indexItemsHidden.sum(),
                snapshot(stopped), inProgress.sum(), olderItems.sum(), indexItemsOlder.sum());
    }

    public void resetStats() {
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
        inProgress.reset();
        olderItems.reset();
        indexItemsOlder.reset();
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
        for (Socket socket : open) closeQuietly(socket);
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
        /** stopAfter: the k of the last arming, whether it is armed, and the calls seen since arming. */
        private volatile Stop stop = new Stop(0, false, new AtomicLong());

        private record Stop(long after, boolean armed, AtomicLong seen) {}

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

        /** Throttles every {@code n}th call of {@code operation} ({@code *}: of all calls); 0 turns it off. */
        /** A table that starts throttling for good: the Nth call of the operation and every later one (0 = off). */
        public Rules throttleFrom(String operation, int n) {
            set(throttleFrom, checkedOperation(operation), n, "throttleFrom");
            return this;
        }

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
            this.stop = new Stop(nonNegative(k, "stopAfter"), true, new AtomicLong());
            return this;
        }

        /** Ends stopAfter; {@link #callsLetThrough()} keeps its count. */
        public Rules resume() {
            Stop current = stop;
            this.stop = new Stop(current.after(), false, current.seen());
            return this;
        }

        /** The k of stopAfter while it is armed, -1 when it is not. */
        public long stopAfter() {
            Stop current = stop;
            return current.armed() ? current.after() : -1;
        }

        /** Calls let through since the last stopAfter, at most its k. */
        public long callsLetThrough() {
            Stop current = stop;
            return Math.min(current.seen().get(), current.after());
        }

        /** Counts a call against stopAfter: true when it must be refused. */
        boolean stopNow() {
            Stop current = stop;
            return current.armed() && current.seen().incrementAndGet() > current.after();
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

        long latencyNowMs(String operation) {
            Latency value = latency.get(operation);
            if (value == null) value = latency.get("*");
            if (value == null) return 0;
            return value.fixedMs() + (value.jitterMs() > 0 ? ThreadLocalRandom.current().nextLong(value.jitterMs() + 1) : 0);
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
                reset(socket);
            }
        }
    }

    /** What to do with one request: answer it, or drop the connection without an answer. */
    private record Outcome(HttpWire.Response response, LossStyle drop) {
        static Outcome answer(HttpWire.Response response) {
            return new Outcome(response, null);
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
                    drop(socket, in, outcome.drop());
                    return;
                }
                HttpWire.write(out, outcome.response());
                if (request.closeAfter()) return;
            }
        } catch (IOException | InterruptedException endOfConnection) {
            // the client went away, idled out, or the proxy is closing
        } finally {
            open.remove(socket);
            closeQuietly(socket);
        }
    }

    private static void drop(Socket socket, InputStream in, LossStyle style) {
        if (style == LossStyle.TIMEOUT) {
            try {
                socket.setSoTimeout(MAX_SILENCE_MS);
                while (in.read() != -1) {
                    // silence until the client gives up
                }
            } catch (IOException gaveUp) {
                // the client closed or reset the connection, or the silence lasted long enough
            }
        }
        reset(socket);
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close() then sends RST, not FIN
        } catch (SocketException ignored) {
            // closed already
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private Outcome handle(HttpWire.Request request) throws InterruptedException {
        Rules rules = this.rules;
        String operation = operation(request);
        count(calls, operation);
        if (rules.stopNow()) {
            // A dead caller's calls never reach DynamoDB: reset, before any other rule, nothing forwarded.
            count(stopped, operation);
            return new Outcome(null, LossStyle.RESET);
        }
        long latencyMs = rules.latencyNowMs(operation);
        if (latencyMs > 0) TimeUnit.MILLISECONDS.sleep(latencyMs);
        JsonNode body = switch (operation) {
            case "TransactWriteItems", "TransactGetItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "BatchGetItem" ->
                    Json.parseObject(request.body());
            case "Query", "Scan", "GetItem" -> rules.changesReads() ? Json.parseObject(request.body()) : null;
            default -> null;
        };
        if (rules.throttleNow(operation)) {
            count(throttled, operation);
            return Outcome.answer(throttle(rules.throttleAs(), operation, body));
        }
        if (rules.unprocessNow(operation)) {
            count(unprocessed, operation);
            StringBuilder keys = new StringBuilder();
            Json.write(Json.field(body, "RequestItems").orElseThrow(), keys);
            return Outcome.answer(json(200, "{\"Responses\":{},\"UnprocessedKeys\":" + keys + "}"));
        }
        if (body != null && rules.partialBatchNow(operation)) {
            count(unprocessed, operation);
            return batchWrite(request, body, ItemKeys.database(request), rules, true);
        }
        if (body != null && READS.contains(operation) && rules.changesReads()) {
            if (rules.tornReads() && !operation.equals("GetItem")) awaitTransactionsApplied(tablesRead(operation, body), ItemKeys.database(request));
            List<String> keysAdded = laggingIndexRead(operation, body, rules) ? keysLeftOut(body, request) : List.of();
            byte[] forwarded = keysAdded.isEmpty() ? request.body() : withProjected(body, keysAdded);
            Outcome outcome = forwardMaybeLost(request, forwarded, operation, rules);
            return outcome.response() == null ? outcome
                    : Outcome.answer(readAnswer(request, body, operation, outcome.response(), rules, keysAdded));
        }
        if ((rules.conflictWindowMs() > 0 || rules.inProgressAfterLossMs() > 0) && body != null && !operation.equals("BatchGetItem")) {
            String database = ItemKeys.database(request);
            switch (operation) {
                case "TransactWriteItems":
                    return transactWrite(request, body, database, rules);
                case "TransactGetItems":
                    Outcome cancelled = transactGet(request, body, database);
                    if (cancelled != null) return cancelled;
                    break;
                case "PutItem", "UpdateItem", "DeleteItem":
                    if (singleItemHeld(request, body, database, operation)) {
                        singleItemConflicts.increment();
                        return Outcome.answer(error("{\"__type\":\"" + DYNAMODB_ERROR + "TransactionConflictException\",\"message\":\"" + CONFLICT_MESSAGE + "\"}"));
                    }
                    break;
                case "BatchWriteItem":
                    return batchWrite(request, body, database, rules, false);
                default:
                    break;
            }
        }
        return forwardMaybeLost(request, request.body(), operation, rules);
    }

    private static String operation(HttpWire.Request request) {
        String target = request.header("X-Amz-Target");
        if (target == null || target.isBlank()) return "(no X-Amz-Target)";
        int dot = target.lastIndexOf('.');
        return target.substring(dot + 1).trim();
    }

    private Outcome forwardMaybeLost(HttpWire.Request request, byte[] body, String operation, Rules rules)
            throws InterruptedException {
        return forwardMaybeLost(request, body, operation, rules, null);
    }

    private Outcome forwardMaybeLost(HttpWire.Request request, byte[] body, String operation, Rules rules,
            Transaction transaction) throws InterruptedException {
        HttpWire.Response response = forwardWrite(request, body, operation, rules, transaction);
        if (rules.loseNow(operation)) {
            count(dropped, operation);
            return new Outcome(null, rules.loseResponseAs());
        }
        return Outcome.answer(response);
    }

    // ---------------------------------------------------------------- transactions

    private Outcome transactWrite(HttpWire.Request request, JsonNode body, String database, Rules rules)
            throws InterruptedException {
        List<JsonNode> actions = Json.array(Json.field(body, "TransactItems").orElse(null));
        if (actions == null) return forwardMaybeLost(request, request.body(), "TransactWriteItems", rules);
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
                inProgress.increment();
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
                transactionConflicts.increment();
                return Outcome.answer(cancelled(conflicting, "TransactionConflict", CONFLICT_MESSAGE));
            }
            for (ItemId id : mine) held.put(id, transaction);
            if (transaction.token != null) tokens.put(transaction.token, transaction);
            transactionsInFlight++;
            holdLock.notifyAll();
        }
        Outcome outcome = null;
        try {
            outcome = forwardMaybeLost(request, request.body(), "TransactWriteItems", rules, transaction);
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
    private Outcome transactGet(HttpWire.Request request, JsonNode body, String database) {
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
        transactionConflicts.increment();
        return Outcome.answer(cancelled(conflicting, "TransactionConflict", CONFLICT_MESSAGE));
    }

    private boolean singleItemHeld(HttpWire.Request request, JsonNode body, String database, String operation) {
        String table = Json.string(Json.field(body, "TableName").orElse(null));
        ItemId id = operation.equals("PutItem")
                ? keys.fromItem(database, table, Json.field(body, "Item").orElse(null), request)
                : keys.fromKey(database, table, Json.field(body, "Key").orElse(null));
        if (id == null) return false;
        synchronized (holdLock) {
            return isHeld(id);
        }
    }

    // ---------------------------------------------------------------- BatchWriteItem

    /**
     * Forwards the writes of a BatchWriteItem whose item is not held and, when {@code firstHalfOnly},
     * that are in the first half of the request; the others come back in UnprocessedItems.
     */
    private Outcome batchWrite(HttpWire.Request request, JsonNode body, String database, Rules rules, boolean firstHalfOnly)
            throws InterruptedException {
        Map<String, JsonNode> requestItems = Json.object(Json.field(body, "RequestItems").orElse(null));
        if (requestItems == null) return forwardMaybeLost(request, request.body(), "BatchWriteItem", rules);
        Map<String, List<ItemId>> ids = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> table : requestItems.entrySet()) {
            List<JsonNode> writes = Json.array(table.getValue());
            if (writes == null) return forwardMaybeLost(request, request.body(), "BatchWriteItem", rules);
            List<ItemId> tableIds = new ArrayList<>();
            for (JsonNode write : writes) tableIds.add(batchWriteItem(write, table.getKey(), database, request));
            ids.put(table.getKey(), tableIds);
        }
        int total = ids.values().stream().mapToInt(List::size).sum();
        int forwardable = firstHalfOnly ? total / 2 : total;
        Map<String, List<JsonNode>> kept = new LinkedHashMap<>();
        Map<String, List<JsonNode>> deferred = new LinkedHashMap<>();
        int heldCount = 0;
        int position = 0;
        synchronized (holdLock) {
            for (Map.Entry<String, JsonNode> table : requestItems.entrySet()) {
                List<JsonNode> writes = Json.array(table.getValue());
                List<ItemId> tableIds = ids.get(table.getKey());
                for (int i = 0; i < writes.size(); i++, position++) {
                    boolean isHeld = isHeld(tableIds.get(i));
                    boolean defer = isHeld || position >= forwardable;
                    (defer ? deferred : kept).computeIfAbsent(table.getKey(), t -> new ArrayList<>()).add(writes.get(i));
                    if (isHeld) heldCount++;
                }
            }
        }
        if (deferred.isEmpty()) return forwardMaybeLost(request, request.body(), "BatchWriteItem", rules);
        batchItemsDeferred.add(heldCount);
        if (kept.isEmpty()) {
            StringBuilder answer = new StringBuilder("{\"UnprocessedItems\":");
            writeRequestItems(deferred, answer);
            answer.append('}');
            return Outcome.answer(json(200, answer.toString()));
        }
        StringBuilder forwardedBody = new StringBuilder();
        forwardedBody.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> member : body.asObject().entrySet()) {
            if (!first) forwardedBody.append(',');
            first = false;
            Json.quote(member.getKey(), forwardedBody);
            forwardedBody.append(':');
            if (member.getKey().equals("RequestItems")) writeRequestItems(kept, forwardedBody);
            else Json.write(member.getValue(), forwardedBody);
        }
        forwardedBody.append('}');
        byte[] forwardedBytes = forwardedBody.toString().getBytes(StandardCharsets.UTF_8);
        HttpWire.Response upstreamAnswer = forwardWrite(request, forwardedBytes, "BatchWriteItem", rules, null);
        if (rules.loseNow("BatchWriteItem")) {
            count(dropped, "BatchWriteItem");
            return new Outcome(null, rules.loseResponseAs());
        }
        JsonNode answer = upstreamAnswer.status() == 200 && upstreamAnswer.header("Content-Encoding") == null
                ? Json.parseObject(upstreamAnswer.body()) : null;
        if (answer == null) return Outcome.answer(upstreamAnswer); // an error (or an encoding we do not rewrite): as it is
        Map<String, List<JsonNode>> unprocessed = new LinkedHashMap<>();
        Map<String, JsonNode> upstreamUnprocessed = Json.object(Json.field(answer, "UnprocessedItems").orElse(null));
        if (upstreamUnprocessed != null) {
            upstreamUnprocessed.forEach((table, writes) -> {
                List<JsonNode> list = Json.array(writes);
                if (list != null && !list.isEmpty()) unprocessed.computeIfAbsent(table, t -> new ArrayList<>()).addAll(list);
            });
        }
        deferred.forEach((table, writes) -> unprocessed.computeIfAbsent(table, t -> new ArrayList<>()).addAll(writes));
        StringBuilder merged = new StringBuilder("{");
        first = true;
        boolean wroteUnprocessed = false;
        for (Map.Entry<String, JsonNode> member : answer.asObject().entrySet()) {
            if (!first) merged.append(',');
            first = false;
            Json.quote(member.getKey(), merged);
            merged.append(':');
            if (member.getKey().equals("UnprocessedItems")) {
                writeRequestItems(unprocessed, merged);
                wroteUnprocessed = true;
            } else {
                Json.write(member.getValue(), merged);
            }
        }
        if (!wroteUnprocessed) {
            if (!first) merged.append(',');
            merged.append("\"UnprocessedItems\":");
            writeRequestItems(unprocessed, merged);
        }
        merged.append('}');
        return Outcome.answer(rewritten(upstreamAnswer, merged));
    }

    /** The item a BatchWriteItem write request (PutRequest or DeleteRequest) of {@code table} writes; null if malformed. */
    private ItemId batchWriteItem(JsonNode write, String table, String database, HttpWire.Request request) {
        JsonNode put = Json.field(write, "PutRequest").orElse(null);
        JsonNode delete = Json.field(write, "DeleteRequest").orElse(null);
        return put != null ? keys.fromItem(database, table, Json.field(put, "Item").orElse(null), request)
                : delete != null ? keys.fromKey(database, table, Json.field(delete, "Key").orElse(null))
                : null;
    }

    /** The items of a RequestItems (or UnprocessedItems) map, malformed entries left out. */
    private List<ItemId> batchWriteItems(JsonNode requestItems, String database, HttpWire.Request request) {
        List<ItemId> ids = new ArrayList<>();
        Map<String, JsonNode> tables = Json.object(requestItems);
        if (tables == null) return ids;
        tables.forEach((table, writes) -> {
            List<JsonNode> list = Json.array(writes);
            if (list == null) return;
            for (JsonNode write : list) {
                ItemId id = batchWriteItem(write, table, database, request);
                if (id != null) ids.add(id);
            }
        });
        return ids;
    }

    // ---------------------------------------------------------------- remembered writes

    /** One item a write touches: its identity, its table, and its primary key as JSON. */
    private record Target(ItemId id, String table, String key) {}

    /** A write the upstream acknowledged: when, and the item before it (null: there was none) if that was read. */
    private record Write(long at, boolean beforeKnown, JsonNode before) {}

    /** The items a write request touches (a ConditionCheck is no write), in request order; malformed ones left out. */
    private List<Target> targets(String operation, JsonNode body, String database, HttpWire.Request request) {
        List<Target> targets = new ArrayList<>();
        switch (operation) {
            case "PutItem" -> addPut(targets, database, tableOf(body), Json.field(body, "Item").orElse(null), request);
            case "UpdateItem", "DeleteItem" -> addKey(targets, database, tableOf(body), Json.field(body, "Key").orElse(null));
            case "TransactWriteItems" -> {
                List<JsonNode> actions = Json.array(Json.field(body, "TransactItems").orElse(null));
                for (JsonNode action : actions == null ? List.<JsonNode>of() : actions) {
                    JsonNode put = Json.field(action, "Put").orElse(null);
                    if (put != null) addPut(targets, database, tableOf(put), Json.field(put, "Item").orElse(null), request);
                    for (String kind : List.of("Update", "Delete")) {
                        JsonNode keyed = Json.field(action, kind).orElse(null);
                        if (keyed != null) addKey(targets, database, tableOf(keyed), Json.field(keyed, "Key").orElse(null));
                    }
                }
            }
            case "BatchWriteItem" -> {
                Map<String, JsonNode> tables = Json.object(Json.field(body, "RequestItems").orElse(null));
                if (tables == null) break;
                tables.forEach((table, writes) -> {
                    List<JsonNode> list = Json.array(writes);
                    for (JsonNode write : list == null ? List.<JsonNode>of() : list) {
                        JsonNode put = Json.field(write, "PutRequest").orElse(null);
                        JsonNode delete = Json.field(write, "DeleteRequest").orElse(null);
                        if (put != null) addPut(targets, database, table, Json.field(put, "Item").orElse(null), request);
                        else if (delete != null) addKey(targets, database, table, Json.field(delete, "Key").orElse(null));
                    }
                });
            }
            default -> {
                // not a write
            }
        }
        return targets;
    }

    private static String tableOf(JsonNode node) {
        return Json.string(Json.field(node, "TableName").orElse(null));
    }

    private void addPut(List<Target> targets, String database, String table, JsonNode item, HttpWire.Request request) {
        ItemId id = keys.fromItem(database, table, item, request);
        if (id == null) return;
        StringBuilder key = new StringBuilder("{");
        for (String name : keys.keyNames(database, table, request)) {
            if (key.length() > 1) key.append(',');
            Json.quote(name, key);
            key.append(':');
            Json.write(Json.field(item, name).orElseThrow(), key);
        }
        targets.add(new Target(id, table, key.append('}').toString()));
    }

    private void addKey(List<Target> targets, String database, String table, JsonNode key) {
        ItemId id = keys.fromKey(database, table, key);
        if (id != null) targets.add(new Target(id, table, new String(Json.bytes(key), StandardCharsets.UTF_8)));
    }

    /**
     * Forwards a write (any call, in fact: only writes are remembered). When a rule needs older
     * versions, the items it touches are first read upstream (their pre-images); a transaction in
     * flight keeps them, and learns whether the upstream applied it.
     */
    private HttpWire.Response forwardWrite(HttpWire.Request request, byte[] body, String operation, Rules rules,
            Transaction transaction) throws InterruptedException {
        try {
            Map<ItemId, JsonNode> before = Map.of();
            List<Target> targets = List.of();
            if (rules.readsPreImages() && WRITES.contains(operation)) {
                targets = targets(operation, Json.parseObject(body), ItemKeys.database(request), request);
                before = preImages(request, targets);
            }
            if (transaction != null) {
                transaction.before = before;
                transaction.order = targets.stream().map(Target::id).toList();
            }
            HttpWire.Response response = forward(request, body, operation);
            if (transaction != null) transaction.applied = response.status() == 200;
            rememberWrites(request, body, operation, response, rules, before);
            return response;
        } finally {
            if (transaction != null) transaction.answered.countDown();
        }
    }

    /**
     * The targets as they are now, read upstream with one consistent BatchGetItem in the caller's
     * name: id to item, or to null where there is none. Empty (nothing known) when the read fails.
     * Another write may land between this read and the write: the pre-image is then that one's.
     */
    private Map<ItemId, JsonNode> preImages(HttpWire.Request request, List<Target> targets) {
        Map<String, Map<ItemId, String>> byTable = new LinkedHashMap<>();
        for (Target target : targets) byTable.computeIfAbsent(target.table(), t -> new LinkedHashMap<>()).putIfAbsent(target.id(), target.key());
        if (byTable.isEmpty()) return Map.of();
        StringBuilder read = new StringBuilder("{\"RequestItems\":{");
        byTable.forEach((table, tableKeys) -> {
            if (read.charAt(read.length() - 1) != '{') read.append(',');
            Json.quote(table, read);
            read.append(":{\"Keys\":[").append(String.join(",", tableKeys.values())).append("],\"ConsistentRead\":true}");
        });
        JsonNode answer = upstreamCall("BatchGetItem", read.append("}}").toString(), request);
        Map<String, JsonNode> unprocessedKeys = Json.object(Json.field(answer, "UnprocessedKeys").orElse(null));
        if (answer == null || (unprocessedKeys != null && !unprocessedKeys.isEmpty())) return Map.of();
        Map<ItemId, JsonNode> before = new HashMap<>();
        byTable.values().forEach(tableKeys -> tableKeys.keySet().forEach(id -> before.put(id, null)));
        Map<String, JsonNode> responses = Json.object(Json.field(answer, "Responses").orElse(null));
        if (responses != null) {
            String database = ItemKeys.database(request);
            responses.forEach((table, items) -> {
                List<JsonNode> list = Json.array(items);
                for (JsonNode item : list == null ? List.<JsonNode>of() : list) {
                    ItemId id = keys.fromItem(database, table, item, request);
                    if (before.containsKey(id)) before.put(id, item);
                }
            });
        }
        return before;
    }

    /**
     * Notes when the upstream acknowledged each item a successful write touched, and its pre-image,
     * before any drop of its response (it committed). {@code forwardedBody} is what the upstream received.
     */
    private void rememberWrites(HttpWire.Request request, byte[] forwardedBody, String operation,
            HttpWire.Response response, Rules rules, Map<ItemId, JsonNode> before) {
        long keepMs = rules.remembersWritesMs();
        if (keepMs <= 0 || response.status() != 200 || !WRITES.contains(operation)) return;
        long answeredAt = System.nanoTime();
        JsonNode body = Json.parseObject(forwardedBody);
        if (body == null) return;
        String database = ItemKeys.database(request);
        Set<ItemId> unprocessedIds = Set.of();
        if (operation.equals("BatchWriteItem")) {
            // Unreadable (encoded) answer: every forwarded request counts as processed.
            JsonNode answer = response.header("Content-Encoding") == null ? Json.parseObject(response.body()) : null;
            unprocessedIds = new HashSet<>(batchWriteItems(Json.field(answer, "UnprocessedItems").orElse(null), database, request));
        }
        long keepNanos = TimeUnit.MILLISECONDS.toNanos(keepMs);
        for (Target target : targets(operation, body, database, request)) {
            if (unprocessedIds.contains(target.id())) continue;
            recentWrites.put(target.id(), new Write(answeredAt, before.containsKey(target.id()), before.get(target.id())));
            if (recentWrites.size() >= recentWritesPruneAt.get()) {
                // Bounded memory: what is older than every rule's window can no longer change a read.
                recentWrites.values().removeIf(write -> answeredAt - write.at() >= keepNanos);
                recentWritesPruneAt.set(Math.max(RECENT_WRITES_PRUNE_FLOOR, 2 * recentWrites.size()));
            }
        }
    }

    // ---------------------------------------------------------------- reads

    private static boolean consistent(JsonNode spec) {
        JsonNode consistent = Json.field(spec, "ConsistentRead").orElse(null);
        return consistent != null && consistent.isBoolean() && consistent.asBoolean();
    }

    /** The version of an item a read shows instead of the upstream's: {@code item} null means none. */
    private record Older(JsonNode item) {}

    /**
     * What a read of an item on the base table shows instead of what the upstream read, or null:
     * one half of a transaction being applied (tornReads), else, for an eventually consistent
     * read, the version before a write less than staleReadMs old.
     */
    private Older olderVersion(ItemId id, boolean consistentRead, long now, Rules rules) {
        if (id == null) return null;
        if (rules.tornReads()) {
            Transaction transaction;
            synchronized (holdLock) {
                transaction = held.get(id);
            }
            if (transaction != null && transaction.applied && transaction.before.containsKey(id)
                    && transaction.order.indexOf(id) % 2 == 0) {
                return new Older(transaction.before.get(id));
            }
        }
        if (consistentRead || rules.staleReadMs() <= 0) return null;
        Write write = recentWrites.get(id);
        if (write == null || !write.beforeKnown() || now - write.at() >= TimeUnit.MILLISECONDS.toNanos(rules.staleReadMs())) return null;
        return new Older(write.before());
    }

    /**
     * Before a read that may see half of a transaction (tornReads), waits until the upstream
     * answered each transaction in flight on a table it reads: the read then arrives while the
     * transaction is being applied, not before.
     */
    private void awaitTransactionsApplied(Set<String> tables, String database) throws InterruptedException {
        List<Transaction> pending = new ArrayList<>();
        synchronized (holdLock) {
            held.forEach((id, transaction) -> {
                if (id.database().equals(database) && tables.contains(id.table()) && !pending.contains(transaction)) pending.add(transaction);
            });
        }
        for (Transaction transaction : pending) transaction.answered.await(UPSTREAM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The tables a read names. */
    private static Set<String> tablesRead(String operation, JsonNode body) {
        if (operation.equals("BatchGetItem")) {
            Map<String, JsonNode> requestItems = Json.object(Json.field(body, "RequestItems").orElse(null));
            return requestItems == null ? Set.of() : requestItems.keySet();
        }
        String table = tableOf(body);
        return table == null ? Set.of() : Set.of(table);
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
            Older older = olderVersion(keys.fromKey(database, tableOf(body), Json.field(body, "Key").orElse(null)),
                    consistent(body), now, rules);
            if (older == null) return response;
            changes = new HashMap<>();
            changes.put("Item", older.item() == null ? null : project(older.item(), body));
            olderItems.increment();
        } else if (operation.equals("BatchGetItem")) {
            changes = olderBatchItems(body, answer, database, request, now, rules);
        } else if (Json.string(Json.field(body, "IndexName").orElse(null)) != null) {
            changes = consistent(body) ? null : laggingIndex(body, answer, database, request, now, rules, keysAdded);
        } else {
            changes = olderQueryItems(body, answer, database, request, now, rules);
        }
        return changes == null ? response : rewritten(response, withMembers(answer, changes));
    }

    /** Query and Scan of the base table: an item with an older version shows it (or is left out); deleted items do not come back. */
    private Map<String, String> olderQueryItems(JsonNode body, JsonNode answer, String database, HttpWire.Request request,
            long now, Rules rules) {
        List<JsonNode> items = Json.array(Json.field(answer, "Items").orElse(null));
        if (items == null || items.isEmpty()) return null;
        List<String> shown = new ArrayList<>();
        int changed = 0;
        for (JsonNode item : items) {
            Older older = olderVersion(keys.fromItem(database, tableOf(body), item, request), consistent(body), now, rules);
            if (older != null) changed++;
            if (older == null) shown.add(new String(Json.bytes(item), StandardCharsets.UTF_8));
            else if (older.item() != null) shown.add(project(older.item(), body));
        }
        if (changed == 0) return null;
        olderItems.add(changed);
        return Map.of("Items", "[" + String.join(",", shown) + "]", "Count", Integer.toString(shown.size()));
    }

    /** BatchGetItem: each requested key (not unprocessed) with an older version shows it, per table's ConsistentRead. */
    private Map<String, String> olderBatchItems(JsonNode body, JsonNode answer, String database, HttpWire.Request request,
            long now, Rules rules) {
        Map<String, JsonNode> requested = Json.object(Json.field(body, "RequestItems").orElse(null));
        if (requested == null) return null;
        Map<String, JsonNode> responses = Json.object(Json.field(answer, "Responses").orElse(null));
        Map<String, JsonNode> unprocessedKeys = Json.object(Json.field(answer, "UnprocessedKeys").orElse(null));
        Map<String, Map<Object, String>> shown = new LinkedHashMap<>();
        if (responses != null) {
            responses.forEach((table, items) -> {
                Map<Object, String> tableItems = shown.computeIfAbsent(table, t -> new LinkedHashMap<>());
                List<JsonNode> list = Json.array(items);
                for (JsonNode item : list == null ? List.<JsonNode>of() : list) {
                    ItemId id = keys.fromItem(database, table, item, request);
                    tableItems.put(id == null ? new Object() : id, new String(Json.bytes(item), StandardCharsets.UTF_8));
                }
            });
        }
        int changed = 0;
        for (Map.Entry<String, JsonNode> table : requested.entrySet()) {
            Set<ItemId> unprocessedIds = new HashSet<>();
            List<JsonNode> skipped = Json.array(Json.field(unprocessedKeys == null ? null : unprocessedKeys.get(table.getKey()), "Keys").orElse(null));
            for (JsonNode key : skipped == null ? List.<JsonNode>of() : skipped) unprocessedIds.add(keys.fromKey(database, table.getKey(), key));
            List<JsonNode> tableKeys = Json.array(Json.field(table.getValue(), "Keys").orElse(null));
            for (JsonNode key : tableKeys == null ? List.<JsonNode>of() : tableKeys) {
                ItemId id = keys.fromKey(database, table.getKey(), key);
                if (unprocessedIds.contains(id)) continue;
                Older older = olderVersion(id, consistent(table.getValue()), now, rules);
                if (older == null) continue;
                changed++;
                Map<Object, String> tableItems = shown.computeIfAbsent(table.getKey(), t -> new LinkedHashMap<>());
                tableItems.remove(id);
                if (older.item() != null) tableItems.put(id, project(older.item(), table.getValue()));
            }
        }
        if (changed == 0) return null;
        olderItems.add(changed);
        StringBuilder out = new StringBuilder("{");
        shown.forEach((table, items) -> {
            if (out.length() > 1) out.append(',');
            Json.quote(table, out);
            out.append(":[").append(String.join(",", items.values())).append(']');
        });
        return Map.of("Responses", out.append('}').toString());
    }

    /**
     * The item as JSON with only the top-level attributes that {@code spec}'s ProjectionExpression
     * (or AttributesToGet) names, all of them without either. A nested path (a.b, a[0]) keeps its
     * whole top-level attribute.
     */
    private static String project(JsonNode item, JsonNode spec) {
        Set<String> names = projectedNames(spec);
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, JsonNode> attribute : item.asObject().entrySet()) {
            if (names != null && !names.contains(attribute.getKey())) continue;
            if (out.length() > 1) out.append(',');
            Json.quote(attribute.getKey(), out);
            out.append(':');
            Json.write(attribute.getValue(), out);
        }
        return out.append('}').toString();
    }

    /** The top-level attribute names a projection keeps; null when there is none (everything). */
    private static Set<String> projectedNames(JsonNode spec) {
        String expression = Json.string(Json.field(spec, "ProjectionExpression").orElse(null));
        Set<String> names = new HashSet<>();
        if (expression != null) {
            Map<String, JsonNode> aliases = Json.object(Json.field(spec, "ExpressionAttributeNames").orElse(null));
            for (String path : expression.split(",")) {
                String top = path.trim().split("[.\\[]", 2)[0].trim();
                String alias = aliases == null ? null : Json.string(aliases.get(top));
                names.add(alias != null ? alias : top);
            }
            return names;
        }
        List<JsonNode> attributesToGet = Json.array(Json.field(spec, "AttributesToGet").orElse(null));
        if (attributesToGet == null) return null;
        for (JsonNode name : attributesToGet) names.add(Json.string(name));
        return names;
    }

    /** The answer's members in order, those named in {@code changes} replaced by their JSON (left out where null), new ones added. */
    private static StringBuilder withMembers(JsonNode answer, Map<String, String> changes) {
        StringBuilder out = new StringBuilder("{");
        Set<String> done = new HashSet<>();
        for (Map.Entry<String, JsonNode> member : answer.asObject().entrySet()) {
            boolean changed = changes.containsKey(member.getKey());
            if (changed) done.add(member.getKey());
            if (changed && changes.get(member.getKey()) == null) continue;
            if (out.length() > 1) out.append(',');
            Json.quote(member.getKey(), out);
            out.append(':');
            if (changed) out.append(changes.get(member.getKey()));
            else Json.write(member.getValue(), out);
        }
        changes.forEach((name, value) -> {
            if (done.contains(name) || value == null) return;
            if (out.length() > 1) out.append(',');
            Json.quote(name, out);
            out.append(':').append(value);
        });
        return out.append('}');
    }

    // ---------------------------------------------------------------- index lag

    /** An index's key attribute names and what it projects: ALL, KEYS_ONLY or INCLUDE (with nonKey). */
    private record IndexSchema(List<String> keys, String projection, Set<String> nonKey) {}

    /** A Query or Scan of an index that may lag: names an IndexName, and is not a strongly consistent (local index) read. */
    private static boolean laggingIndexRead(String operation, JsonNode body, Rules rules) {
        return rules.indexLagMs() > 0 && (operation.equals("Query") || operation.equals("Scan"))
                && Json.string(Json.field(body, "IndexName").orElse(null)) != null && !consistent(body);
    }

    /** The table's key attributes an index read's ProjectionExpression leaves out (the lag needs them to tell items apart). */
    private List<String> keysLeftOut(JsonNode body, HttpWire.Request request) {
        Set<String> projected = projectedNames(body);
        if (projected == null || Json.string(Json.field(body, "ProjectionExpression").orElse(null)) == null) return List.of();
        List<String> tableKeys = keys.keyNames(ItemKeys.database(request), tableOf(body), request);
        if (tableKeys == null) return List.of();
        return tableKeys.stream().filter(name -> !projected.contains(name)).toList();
    }

    /** The request with {@code added} attributes projected too (as #prodlikeKey0, #prodlikeKey1...). */
    private static byte[] withProjected(JsonNode body, List<String> added) {
        StringBuilder names = new StringBuilder("{");
        Map<String, JsonNode> aliases = Json.object(Json.field(body, "ExpressionAttributeNames").orElse(null));
        if (aliases != null) aliases.forEach((alias, name) -> appendMember(names, alias, Json.string(name)));
        StringBuilder projection = new StringBuilder(Json.string(Json.field(body, "ProjectionExpression").orElseThrow()));
        for (int i = 0; i < added.size(); i++) {
            projection.append(", #prodlikeKey").append(i);
            appendMember(names, "#prodlikeKey" + i, added.get(i));
        }
        Map<String, String> changes = new HashMap<>();
        changes.put("ProjectionExpression", Json.quote(projection.toString()));
        changes.put("ExpressionAttributeNames", names.append('}').toString());
        return withMembers(body, changes).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendMember(StringBuilder object, String name, String text) {
        if (object.length() > 1) object.append(',');
        Json.quote(name, object);
        object.append(':');
        Json.quote(text, object);
    }

    /**
     * Query and Scan of an index read eventually consistently: an item written less than indexLagMs
     * ago shows its version before the write when that version was in the index for this read, and
     * is left out otherwise; an item whose older version was in it and whose current one is not
     * (deleted, or moved out) is added. {@code keysAdded} are taken out of every item again.
     */
    private Map<String, String> laggingIndex(JsonNode body, JsonNode answer, String database, HttpWire.Request request,
            long now, Rules rules, List<String> keysAdded) {
        long lagNanos = TimeUnit.MILLISECONDS.toNanos(rules.indexLagMs());
        List<JsonNode> items = Json.array(Json.field(answer, "Items").orElse(null));
        if (lagNanos <= 0 || items == null) return null;
        String table = tableOf(body);
        Predicate<JsonNode> inIndex = indexTest(body, database, request);
        List<String> shown = new ArrayList<>(items.size());
        Set<ItemId> answered = new HashSet<>();
        int hidden = 0;
        int older = 0;
        for (JsonNode item : items) {
            ItemId id = keys.fromItem(database, table, item, request);
            answered.add(id);
            Write write = id == null ? null : recentWrites.get(id);
            if (write == null || now - write.at() >= lagNanos) {
                shown.add(without(item, keysAdded));
            } else if (inIndex != null && write.beforeKnown() && write.before() != null && inIndex.test(write.before())) {
                shown.add(asIndexShows(write.before(), body, database, request));
                older++;
            } else {
                hidden++;
            }
        }
        // Items the index still shows though the table no longer has them there: on the last page only
        // (no LastEvaluatedKey), not in a segment of a parallel Scan, each checked against its current version.
        if (inIndex != null && Json.field(answer, "LastEvaluatedKey").isEmpty() && Json.field(body, "TotalSegments").isEmpty()) {
            for (Map.Entry<ItemId, Write> recent : recentWrites.entrySet()) {
                ItemId id = recent.getKey();
                Write write = recent.getValue();
                if (!id.database().equals(database) || !id.table().equals(table) || answered.contains(id) || now - write.at() >= lagNanos
                        || !write.beforeKnown() || write.before() == null || !inIndex.test(write.before())) {
                    continue;
                }
                Optional<JsonNode> current = currentItem(write.before(), table, database, request);
                if (current == null || (current.isPresent() && inIndex.test(current.get()))) continue; // unknown, or on another page
                shown.add(asIndexShows(write.before(), body, database, request));
                older++;
            }
        }
        if (hidden == 0 && older == 0 && keysAdded.isEmpty()) return null;
        indexItemsHidden.add(hidden);
        indexItemsOlder.add(older);
        return Map.of("Items", "[" + String.join(",", shown) + "]", "Count", Integer.toString(shown.size()));
    }

    /**
     * Whether an item version is one this index read returns: for a Query its key condition holds,
     * for a Scan it has the index's key attributes. Null (then older versions are never shown, only
     * recent writes left out) when that cannot be told: a filter, a legacy KeyConditions, an index
     * the upstream does not describe.
     */
    private Predicate<JsonNode> indexTest(JsonNode body, String database, HttpWire.Request request) {
        for (String filter : List.of("FilterExpression", "QueryFilter", "ScanFilter", "KeyConditions")) {
            if (Json.field(body, filter).isPresent()) return null;
        }
        IndexSchema schema = indexSchema(database, tableOf(body), Json.string(Json.field(body, "IndexName").orElse(null)), request);
        if (schema == null) return null;
        Predicate<JsonNode> hasKeys = item -> schema.keys().stream().allMatch(name -> Json.field(item, name).isPresent());
        if (Json.field(body, "KeyConditionExpression").isEmpty()) return hasKeys;
        Predicate<JsonNode> condition = KeyCondition.of(body);
        return condition == null ? null : hasKeys.and(condition);
    }

    /** An older version as the index read shows it: the index's projection, then the read's own. */
    private String asIndexShows(JsonNode item, JsonNode body, String database, HttpWire.Request request) {
        IndexSchema schema = indexSchema(database, tableOf(body), Json.string(Json.field(body, "IndexName").orElse(null)), request);
        List<String> tableKeys = keys.keyNames(database, tableOf(body), request);
        StringBuilder indexed = new StringBuilder("{");
        for (Map.Entry<String, JsonNode> attribute : item.asObject().entrySet()) {
            String name = attribute.getKey();
            boolean projected = schema.projection().equals("ALL") || schema.keys().contains(name)
                    || (tableKeys != null && tableKeys.contains(name)) || schema.nonKey().contains(name);
            if (!projected) continue;
            if (indexed.length() > 1) indexed.append(',');
            Json.quote(name, indexed);
            indexed.append(':');
            Json.write(attribute.getValue(), indexed);
        }
        return project(Json.parseObject(indexed.append('}').toString().getBytes(StandardCharsets.UTF_8)), body);
    }

    /** The item as JSON without the named attributes. */
    private static String without(JsonNode item, List<String> names) {
        if (names.isEmpty()) return new String(Json.bytes(item), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, JsonNode> attribute : item.asObject().entrySet()) {
            if (names.contains(attribute.getKey())) continue;
            if (out.length() > 1) out.append(',');
            Json.quote(attribute.getKey(), out);
            out.append(':');
            Json.write(attribute.getValue(), out);
        }
        return out.append('}').toString();
    }

    /** The item with the same key as {@code version}, read consistently upstream: empty if there is none, null if the read failed. */
    private Optional<JsonNode> currentItem(JsonNode version, String table, String database, HttpWire.Request request) {
        List<String> tableKeys = keys.keyNames(database, table, request);
        if (tableKeys == null) return null;
        StringBuilder read = new StringBuilder("{\"TableName\":");
        Json.quote(table, read);
        read.append(",\"ConsistentRead\":true,\"Key\":{");
        for (String name : tableKeys) {
            if (read.charAt(read.length() - 1) != '{') read.append(',');
            Json.quote(name, read);
            read.append(':');
            Json.write(Json.field(version, name).orElseThrow(), read);
        }
        JsonNode answer = upstreamCall("GetItem", read.append("}}").toString(), request);
        return answer == null ? null : Json.field(answer, "Item");
    }

    /** An index's schema, from the upstream's DescribeTable of its table (cached); null when it cannot say. */
    private IndexSchema indexSchema(String database, String table, String index, HttpWire.Request request) {
        String cacheKey = database + "\u0000" + table + "\u0000" + index;
        IndexSchema cached = indexSchemas.get(cacheKey);
        if (cached != null || table == null || index == null) return cached;
        JsonNode description = Json.field(upstreamCall("DescribeTable", "{\"TableName\":" + Json.quote(table) + "}", request), "Table").orElse(null);
        for (String kind : List.of("GlobalSecondaryIndexes", "LocalSecondaryIndexes")) {
            List<JsonNode> indexes = Json.array(Json.field(description, kind).orElse(null));
            for (JsonNode described : indexes == null ? List.<JsonNode>of() : indexes) {
                List<String> indexKeys = new ArrayList<>();
                List<JsonNode> schema = Json.array(Json.field(described, "KeySchema").orElse(null));
                for (JsonNode element : schema == null ? List.<JsonNode>of() : schema) {
                    indexKeys.add(Json.string(Json.field(element, "AttributeName").orElse(null)));
                }
                JsonNode projection = Json.field(described, "Projection").orElse(null);
                Set<String> nonKey = new HashSet<>();
                List<JsonNode> included = Json.array(Json.field(projection, "NonKeyAttributes").orElse(null));
                for (JsonNode name : included == null ? List.<JsonNode>of() : included) nonKey.add(Json.string(name));
                String type = Json.string(Json.field(projection, "ProjectionType").orElse(null));
                indexSchemas.put(database + "\u0000" + table + "\u0000" + Json.string(Json.field(described, "IndexName").orElse(null)),
                        new IndexSchema(List.copyOf(indexKeys), type == null ? "ALL" : type, Set.copyOf(nonKey)));
            }
        }
        return indexSchemas.get(cacheKey);
    }

    /** The upstream's 200 answer with a new body; its x-amz-crc32 must be the new body's, or the SDK rejects the response. */
    private static HttpWire.Response rewritten(HttpWire.Response upstreamAnswer, StringBuilder body) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> header : upstreamAnswer.headers()) {
            if (!header.getKey().equalsIgnoreCase("x-amz-crc32")) headers.add(header);
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        headers.add(Map.entry("x-amz-crc32", crc32(bytes)));
        return new HttpWire.Response(200, headers, bytes);
    }

    private static void writeRequestItems(Map<String, List<JsonNode>> items, StringBuilder out) {
        out.append('{');
        boolean firstTable = true;
        for (Map.Entry<String, List<JsonNode>> table : items.entrySet()) {
            if (!firstTable) out.append(',');
            firstTable = false;
            Json.quote(table.getKey(), out);
            out.append(":[");
            boolean first = true;
            for (JsonNode write : table.getValue()) {
                if (!first) out.append(',');
                first = false;
                Json.write(write, out);
            }
            out.append(']');
        }
        out.append('}');
    }

    // ---------------------------------------------------------------- upstream

    private HttpWire.Response forward(HttpWire.Request request, byte[] body, String operation) throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(upstreamBase + request.target()))
                .timeout(UPSTREAM_TIMEOUT)
                .method(request.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> header : request.headers()) {
            if (NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) continue;
            try {
                builder.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException restricted) {
                // a header java.net.http sets itself
            }
        }
        count(forwarded, operation);
        HttpResponse<byte[]> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return json(500, "{\"__type\":\"" + DYNAMODB_ERROR + "InternalServerError\",\"message\":"
                    + Json.quote("production-like proxy: the upstream " + upstream + " failed: " + e) + "}");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        response.headers().map().forEach((name, values) -> {
            if (name.startsWith(":") || NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) return;
            for (String value : values) headers.add(Map.entry(name, value));
        });
        return new HttpWire.Response(response.statusCode(), headers, response.body());
    }

    private List<String> describeKeySchema(String table, HttpWire.Request origin) {
        JsonNode description = Json.field(upstreamCall("DescribeTable", "{\"TableName\":" + Json.quote(table) + "}", origin), "Table").orElse(null);
        List<JsonNode> schema = Json.array(Json.field(description, "KeySchema").orElse(null));
        if (schema == null) return null;
        List<String> names = new ArrayList<>();
        for (JsonNode element : schema) {
            String name = Json.string(Json.field(element, "AttributeName").orElse(null));
            if (name != null) names.add(name);
        }
        return names;
    }

    /** A call of the proxy's own upstream, in the name (credentials) of the caller of {@code origin}; its 200 answer, else null. */
    private JsonNode upstreamCall(String operation, String body, HttpWire.Request origin) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(upstreamBase + "/"))
                .timeout(UPSTREAM_TIMEOUT)
                .header("Content-Type", JSON_1_0)
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (String name : List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token")) {
            String value = origin.header(name);
            if (value != null) builder.header(name, value);
        }
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? Json.parseObject(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---------------------------------------------------------------- synthetic answers

    private static HttpWire.Response throttle(ThrottleStyle style, String operation, JsonNode body) {
        if (style == ThrottleStyle.THROTTLING_EXCEPTION) {
            return error("{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"Rate of requests exceeds the allowed throughput.\"}");
        }
        if (operation.equals("TransactWriteItems") || operation.equals("TransactGetItems")) {
            List<JsonNode> actions = Json.array(Json.field(body, "TransactItems").orElse(null));
            boolean[] all = new boolean[actions == null || actions.isEmpty() ? 1 : actions.size()];
            Arrays.fill(all, true);
            return cancelled(all, "ThrottlingError", THROTTLING_REASON);
        }
        return error("{\"__type\":\"" + DYNAMODB_ERROR
                + "ProvisionedThroughputExceededException\",\"message\":\"The level of configured provisioned throughput for the table "
                + "was exceeded. Consider increasing your provisioning level with the UpdateTable API.\"}");
    }

    /** 400 TransactionCanceledException: {@code code} for the flagged actions, None for the others, in request order. */
    private static HttpWire.Response cancelled(boolean[] flagged, String code, String message) {
        List<String> codes = new ArrayList<>();
        StringBuilder reasons = new StringBuilder("[");
        for (int i = 0; i < flagged.length; i++) {
            if (i > 0) reasons.append(',');
            if (flagged[i]) {
                codes.add(code);
                reasons.append("{\"Code\":\"").append(code).append("\",\"Message\":").append(Json.quote(message)).append('}');
            } else {
                codes.add("None");
                reasons.append("{\"Code\":\"None\"}");
            }
        }
        reasons.append(']');
        return error("{\"__type\":\"" + DYNAMODB_ERROR + "TransactionCanceledException\","
                + "\"Message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons "
                + codes + "\",\"CancellationReasons\":" + reasons + "}");
    }

    private static HttpWire.Response error(String body) {
        return json(400, body);
    }

    private static HttpWire.Response json(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<Map.Entry<String, String>> headers = List.of(
                Map.entry("Server", "Server"),
                Map.entry("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))),
                Map.entry("Content-Type", JSON_1_0),
                Map.entry("x-amzn-RequestId", requestId()),
                Map.entry("x-amz-crc32", crc32(bytes)));
        return new HttpWire.Response(status, headers, bytes);
    }

    private static String requestId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder id = new StringBuilder(52);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 52; i++) id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return id.toString();
    }

    private static String crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return Long.toString(crc.getValue());
    }

    private static void count(ConcurrentMap<String, LongAdder> counters, String operation) {
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

package org.openprofiles.local;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.openprofiles.json.Json;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.EventExportHandler;
import org.openprofiles.export.Exporter;
import org.openprofiles.kinesis.LocalKinesis;
import org.openprofiles.service.EventStreamService;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import org.openprofiles.api.AdminHandler;
import org.openprofiles.api.ContactRecordStreamHandler;
import org.openprofiles.api.ErasureHandler;
import org.openprofiles.api.ProfileHistoryHandler;
import org.openprofiles.kinesis.KinesisEventSource;
import org.openprofiles.kinesis.DynamoDbStreamEventSource;
import org.openprofiles.kinesis.MappingSettings;
import org.openprofiles.service.ContactRecordService;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openprofiles.api.ProfileLifecycleHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.AbandonedOperations;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.ObjectOrderMigration;
import org.openprofiles.service.ProfileHistoryService;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.DataEraser;
import org.openprofiles.store.config.ErasureLedger;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * The handlers behind a local HTTP server, as {@code sam local start-api} would run them: each
 * request becomes an API Gateway proxy event ({@link GatewayEvents}) for the same handler classes Lambda runs. Backed by
 * an in-memory DynamoDB Local, or by the DynamoDB at {@code AWS_ENDPOINT_URL_DYNAMODB} when set.
 * The event streams' exporter runs over the table's change stream ({@link DynamoDbStreamEventSource}), writing to
 * kinesalite (or the Kinesis at {@code AWS_ENDPOINT_URL_KINESIS}: {@link LocalKinesis}).
 * With {@code OPENPROFILES_PRODUCTION_RULES} set, DynamoDB Local runs as a server (or the endpoint
 * above is used) behind a {@link ProductionLikeDynamo} proxy with those rules, reached with the
 * functions' own client configuration ({@link DynamoDbClients}).
 *
 * <p>Two routes exist here only, never behind API Gateway (the CDK stack routes the handlers' resources alone):
 * {@code POST /_openprofiles/reset} ({@link EmulatorReset}: back to the seeded domains, nothing else) and
 * {@code GET /_openprofiles/health}. A reset runs alone: every request, erasure run and contact-record batch holds the
 * read side of one lock, the reset its write side.
 */
public final class LocalApi implements AutoCloseable {
    public static final int DEFAULT_PORT = 3000;
    /** Set (to {@link Rules#parse} syntax; empty = defaults), the API runs over the production-like proxy. */
    public static final String PRODUCTION_RULES_VARIABLE = "OPENPROFILES_PRODUCTION_RULES";

    /** Environment: seconds a deletion waits before its erasure starts (default twice the function timeout). */
    public static final String ERASURE_GRACE_ENV = "OPENPROFILES_ERASURE_GRACE_SECONDS";
    /** Environment: seconds between two runs of the erasure worker (default 5). */
    public static final String ERASURE_INTERVAL_ENV = "OPENPROFILES_ERASURE_INTERVAL_SECONDS";
    /** What applying the domain files at start may take (a few calls per domain and type; a deploy gives it minutes). */
    static final Duration FILES_TIME = Duration.ofMinutes(1);
    /** The deployed exporter's mapping: batch size, retries and function timeout. */
    static final MappingSettings EVENT_EXPORT_MAPPING = MappingSettings.of(
            EventExportHandler.BATCH_SIZE, EventExportHandler.RETRY_ATTEMPTS, EventExportHandler.TIMEOUT);

    /**
     * What the API runs over: the table's DynamoDB, its change stream (the same DynamoDB's Streams API) and the Kinesis
     * that event streams write to.
     */
    public record Backends(DynamoDbClient dynamo, DynamoDbStreamsClient streams, KinesisClient kinesis) {}

    /** Environment: the domain contact records from the local stream go to (default {@value #DEFAULT_CONTACT_RECORDS_DOMAIN}). */
    public static final String CONTACT_RECORDS_DOMAIN_ENV = ContactRecordStreamHandler.DOMAIN_ENV;
    public static final String DEFAULT_CONTACT_RECORDS_DOMAIN = "ExampleDomainName";
    /** Environment: the local stream's name (default {@value #DEFAULT_CONTACT_RECORDS_STREAM}). */
    public static final String CONTACT_RECORDS_STREAM_ENV = "OPENPROFILES_CONTACT_RECORDS_STREAM";
    public static final String DEFAULT_CONTACT_RECORDS_STREAM = "openprofiles-contact-records";
    /** Environment: the port of the local Kinesis (default {@value #DEFAULT_KINESIS_PORT}, kinesalite's own). */
    public static final String KINESIS_PORT_ENV = "OPENPROFILES_KINESIS_PORT";
    public static final int DEFAULT_KINESIS_PORT = 4567;
    /** The deployed consumer's mapping: batch size, retries and function timeout. */
    public static final MappingSettings CONTACT_RECORD_MAPPING = MappingSettings.of(
            ContactRecordStreamHandler.BATCH_SIZE, ContactRecordStreamHandler.RETRY_ATTEMPTS, ContactRecordStreamHandler.TIMEOUT);

    /** The local API's own routes (method, path): answered here, never by the handlers, never deployed. */
    public static final String RESET_PATH = "/_openprofiles/reset";
    public static final String HEALTH_PATH = "/_openprofiles/health";
    public static final List<List<String>> LOCAL_ONLY_ROUTES = List.of(List.of("POST", RESET_PATH), List.of("GET", HEALTH_PATH));
    /** A reset's bound: waiting for the requests in flight, deleting every item, applying the domain files again. */
    static final Duration RESET_TIME = Duration.ofMinutes(2);

    private final HttpServer server;
    private final Router router;
    /** Read side: a request, an erasure run, a contact-record batch. Write side: a reset. Fair: a waiting reset holds off new requests. */
    private final ReentrantReadWriteLock resetLock;
    private final EmulatorReset reset;
    private final ScheduledExecutorService erasures;
    private final DynamoDbStreamEventSource exporter;
    /** The latest erasure runs' reports, for tests to wait on (bounded: old reports are dropped). */
    private final BlockingQueue<ErasureWorker.Report> erasureReports;
    private final PutProfileObjectService putProfileObject;
    private final ProfileStore store;
    private final List<KinesisEventSource> eventSources = new CopyOnWriteArrayList<>();
    /** Starting, ready or off: the health route says which. */
    private final EmulatorKinesis kinesis;
    /** Set by close: a contact-record stream that joins later (the emulator's Kinesis starts in the background) is not read. */
    private boolean closed;

    private LocalApi(HttpServer server, Router router, ReentrantReadWriteLock resetLock, EmulatorReset reset, ScheduledExecutorService erasures,
                     DynamoDbStreamEventSource exporter, BlockingQueue<ErasureWorker.Report> erasureReports,
                     PutProfileObjectService putProfileObject, ProfileStore store, EmulatorKinesis kinesis) {
        this.server = server;
        this.router = router;
        this.resetLock = resetLock;
        this.reset = reset;
        this.erasures = erasures;
        this.exporter = exporter;
        this.erasureReports = erasureReports;
        this.putProfileObject = putProfileObject;
        this.store = store;
        this.kinesis = kinesis;
    }

    /** Starts the API on 127.0.0.1:{@code port} (0 picks a free port) over the given DynamoDB and Kinesis. */
    public static LocalApi start(int port, Backends backends, String tableName) throws IOException {
        return start(port, backends, tableName, seconds(ERASURE_GRACE_ENV, ErasureWorker.GRACE), seconds(ERASURE_INTERVAL_ENV, Duration.ofSeconds(5)));
    }

    /**
     * @param erasureGrace    how long a deleted domain's or type's data waits before it is erased
     * @param erasureInterval how often the erasure worker runs (the same worker code as the deployed function)
     */
    public static LocalApi start(int port, Backends backends, String tableName, Duration erasureGrace, Duration erasureInterval)
            throws IOException {
        return start(port, backends, tableName, DomainLoader.classpathFiles(), EmulatorKinesis.of(backends.kinesis(), "no Kinesis client was given"),
                erasureGrace, erasureInterval);
    }

    /**
     * @param seedFiles  the domain files applied at start and by every reset (file name to content)
     * @param kinesisOff why there is no Kinesis ({@code backends.kinesis()} is null): CreateEventStream answers 400 with it
     */
    static LocalApi start(int port, Backends backends, String tableName, Map<String, String> seedFiles, EmulatorKinesis kinesis) throws IOException {
        return start(port, backends, tableName, seedFiles, kinesis, seconds(ERASURE_GRACE_ENV, ErasureWorker.GRACE),
                seconds(ERASURE_INTERVAL_ENV, Duration.ofSeconds(5)));
    }

    private static LocalApi start(int port, Backends backends, String tableName, Map<String, String> seedFiles, EmulatorKinesis kinesis,
                                  Duration erasureGrace, Duration erasureInterval) throws IOException {
        DynamoDbClient dynamo = backends.dynamo();
        String streamArn = createTableIfMissing(dynamo, tableName);
        // As a deploy does: the repo's domain files are applied (create-or-replace of what they name).
        ConfigReads configuration = new ConfigReads(dynamo, tableName);
        DomainAdminService admin = new DomainAdminService(configuration, new ConfigWrites(dynamo, tableName), Clock.systemUTC(), erasureGrace);
        admin.applyFiles(seedFiles, Deadline.in(FILES_TIME));
        ReentrantReadWriteLock resetLock = new ReentrantReadWriteLock(true);
        Domains domains = new LiveDomains(configuration);
        ProfileStore store = new DynamoProfileStore(dynamo, tableName, Clock.systemUTC());
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(domains, store));
        AdminHandler adminHandler = new AdminHandler(admin,
                new EventStreamService(configuration, new EventStreamWrites(dynamo, tableName), kinesis.destinations(),
                        Clock.systemUTC()));
        PutProfileObjectService putProfileObject = new PutProfileObjectService(domains, store, Clock.systemUTC());
        Router router = new Router()
                .route("PUT", PutProfileObjectHandler.RESOURCE, new PutProfileObjectHandler(putProfileObject))
                .route("POST", AddProfileKeyHandler.RESOURCE,
                        new AddProfileKeyHandler(new AddProfileKeyService(domains, store)))
                .route("POST", ReadProfilesHandler.SEARCH_RESOURCE, read)
                .route("POST", ReadProfilesHandler.OBJECTS_RESOURCE, read)
                .route("POST", ReadProfilesHandler.BATCH_GET_RESOURCE, read);
        for (List<String> route : ReadProfilesHandler.CALCULATED_VALUE_ROUTES) router.route(route.get(0), route.get(1), read);
        ProfileLifecycleHandler lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, store));
        for (String resource : List.of(ProfileLifecycleHandler.PROFILES_RESOURCE, ProfileLifecycleHandler.DELETE_RESOURCE,
                ProfileLifecycleHandler.DELETE_KEY_RESOURCE, ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                ProfileLifecycleHandler.MERGE_RESOURCE)) {
            router.route("POST", resource, lifecycle);
        }
        router.route("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE, lifecycle);
        ProfileHistoryHandler history = new ProfileHistoryHandler(new ProfileHistoryService(domains, store));
        router.route("POST", ProfileHistoryHandler.LIST_RESOURCE, history).route("GET", ProfileHistoryHandler.GET_RESOURCE, history);
        for (List<String> route : AdminHandler.ROUTES) router.route(route.get(0), route.get(1), adminHandler);

        ErasureWorker worker = new ErasureWorker(new ErasureLedger(dynamo, tableName), new DataEraser(dynamo, tableName),
                new AbandonedOperations(configuration, domains, store, Clock.systemUTC()), Clock.systemUTC(), ErasureWorker.PAGE_SIZE);
        ScheduledExecutorService erasures = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "erasure-worker");
            thread.setDaemon(true);
            return thread;
        });
        BlockingQueue<ErasureWorker.Report> reports = new ArrayBlockingQueue<>(16);
        erasures.scheduleWithFixedDelay(() -> underReadLock(resetLock, () -> runErasures(worker, erasureInterval, reports)), erasureInterval.toMillis(),
                erasureInterval.toMillis(), TimeUnit.MILLISECONDS);
        // A table written by an earlier version: its objects are brought into ListProfileObjects' order (newest first), once,
        // in the background as the deployed migration function is run by hand; a failure is reported, the next start resumes.
        ObjectOrderMigration objectOrder = new ObjectOrderMigration(store, Clock.systemUTC());
        erasures.execute(() -> underReadLock(resetLock, () -> migrateObjectOrder(objectOrder)));

        // The event streams' exporter, as Lambda runs it over the table's change stream.
        EventExportHandler export = new EventExportHandler(new Exporter(configuration, store, kinesis.sink()));
        DynamoDbStreamEventSource exporter = DynamoDbStreamEventSource.start(backends.streams(), streamArn, "EventExporter", export, EVENT_EXPORT_MAPPING);
        EmulatorReset reset = new EmulatorReset(new DynamoCalls(dynamo, tableName), admin, seedFiles, exporter);

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        LocalApi api = new LocalApi(server, router, resetLock, reset, erasures, exporter, reports, putProfileObject, store, kinesis);
        server.createContext("/", api::serve);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        return api;
    }

    /** What {@code work} returns, run while no reset runs. */
    private static <T> T underReadLock(ReentrantReadWriteLock lock, Supplier<T> work) {
        Lock read = lock.readLock();
        read.lock();
        try {
            return work.get();
        } finally {
            read.unlock();
        }
    }

    /** One run of the worker, as the deployed schedule runs it; a failure is reported and the next run resumes. */
    private static Void runErasures(ErasureWorker worker, Duration budget, BlockingQueue<ErasureWorker.Report> reports) {
        try {
            // The deployed function's timeout bounds the run's DynamoDB calls, as Lambda's would.
            ErasureWorker.Report report = worker.run(Instant.now().plus(budget), Deadline.in(ErasureHandler.TIMEOUT));
            if (!reports.offer(report)) {
                reports.poll();
                reports.offer(report);
            }
        } catch (RuntimeException e) {
            System.out.println("{\"level\":\"ERROR\",\"event\":\"erasureRunFailed\",\"error\":\"" + e.getClass().getName() + "\"}");
        }
        return null;
    }

    /** The whole table, page by page (each run bounded as the deployed function's is). */
    private static Void migrateObjectOrder(ObjectOrderMigration migration) {
        try {
            String cursor = null;
            do {
                cursor = migration.run(cursor, Instant.now().plus(FILES_TIME), Deadline.in(FILES_TIME.multipliedBy(2))).cursor();
            } while (cursor != null);
        } catch (RuntimeException e) {
            System.out.println("{\"level\":\"ERROR\",\"event\":\"objectOrderMigrationFailed\",\"error\":\"" + e.getClass().getName() + "\"}");
        }
        return null;
    }

    private static Duration seconds(String environmentVariable, Duration fallback) {
        String value = System.getenv(environmentVariable);
        return value == null || value.isBlank() ? fallback : Duration.ofSeconds(Long.parseLong(value.strip()));
    }

    public int port() { return server.getAddress().getPort(); }

    /**
     * Reads Amazon Connect's contact records from the stream into the domain's object type, as the deployed
     * event source mapping runs the consumer function: the same handler class, batch size and retries. Stops with
     * the API.
     */
    public synchronized KinesisEventSource readContactRecords(KinesisClient kinesis, String streamArn, String domainName, String objectTypeName) {
        if (closed) throw new IllegalStateException("the local API is closed");
        ContactRecordStreamHandler consumer = new ContactRecordStreamHandler(new ContactRecordService(putProfileObject, store,
                Clock.systemUTC(), domainName, objectTypeName == null ? ContactRecordService.DEFAULT_OBJECT_TYPE : objectTypeName));
        KinesisEventSource source = KinesisEventSource.start(kinesis, streamArn, "ContactRecordConsumer",
                (event, context) -> underReadLock(resetLock, () -> consumer.handleRequest(event, context)), CONTACT_RECORD_MAPPING);
        eventSources.add(source);
        return source;
    }

    /** The next erasure run's report, waiting at most {@code timeout}; null when no run ended in time. */
    ErasureWorker.Report nextErasureRun(Duration timeout) throws InterruptedException {
        return erasureReports.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        closed = true;
        exporter.close();
        eventSources.forEach(KinesisEventSource::close);
        erasures.shutdownNow();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** The emulator's entry point ({@link Emulator}: options, DynamoDB Local, Kinesis), as {@code exec:java} runs it. */
    public static void main(String[] args) {
        Emulator.main(args);
    }

    /** The client the functions build (timeouts, retries), at the given endpoint. */
    static DynamoDbClient productionClient(URI endpoint) {
        return at(DynamoDbClients.builder(), endpoint).build();
    }

    /** The table's change stream, read as Lambda's event source mapping reads it. */
    static DynamoDbStreamsClient streamsClient(URI endpoint) {
        return at(DynamoDbStreamsClient.builder().httpClient(UrlConnectionHttpClient.create()), endpoint).build();
    }

    /** At the endpoint, with the environment's region and credentials (DynamoDB Local keeps a database per access key and region). */
    private static <B extends AwsClientBuilder<B, ?>> B at(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(envOr("AWS_REGION", "us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        envOr("AWS_ACCESS_KEY_ID", "local"), envOr("AWS_SECRET_ACCESS_KEY", "local"))));
    }

    /** DynamoDB Local (from the build's classpath) as an in-memory server on a free port: the proxy needs an HTTP endpoint to forward to. */
    static URI startDynamoDbLocalServer() throws IOException {
        return DynamoDbLocal.server(DynamoDbLocal.onClasspath(), null).endpoint();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Creates the table if it is missing, or turns on its change stream (a table of an earlier version); its stream's ARN. */
    static String createTableIfMissing(DynamoDbClient dynamo, String tableName) {
        try {
            return dynamo.createTable(ProfilesTable.createTableWithStreamRequest(tableName)).tableDescription().latestStreamArn();
        } catch (ResourceInUseException alreadyThere) {
            // the table exists: use it as it is, with its change stream
        }
        TableDescription table = dynamo.describeTable(r -> r.tableName(tableName)).table();
        if (table.streamSpecification() != null && Boolean.TRUE.equals(table.streamSpecification().streamEnabled())) return table.latestStreamArn();
        return dynamo.updateTable(r -> r.tableName(tableName).streamSpecification(StreamSpecification.builder().streamEnabled(true)
                .streamViewType(ProfilesTable.STREAM_VIEW).build())).tableDescription().latestStreamArn();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            APIGatewayProxyResponseEvent response;
            if (method.equals("GET") && rawPath.equals("/")) {
                response = json(200, "{\"service\":\"openprofiles local API\",\"status\":\"ok\"}");
            } else if (method.equals("GET") && rawPath.equals(HEALTH_PATH)) {
                response = json(200, fields("status", "ok", "kinesis", kinesis.stateName()));
            } else if (method.equals("POST") && rawPath.equals(RESET_PATH)) {
                exchange.getRequestBody().readAllBytes(); // any body is ignored
                response = reset();
            } else {
                response = underReadLock(resetLock,
                        () -> router.dispatch(method, rawPath, request -> GatewayEvents.event(exchange, request)));
            }
            byte[] body = response.getBody() == null ? new byte[0] : response.getBody().getBytes(StandardCharsets.UTF_8);
            if (response.getHeaders() != null) response.getHeaders().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(response.getStatusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) exchange.getResponseBody().write(body);
        }
    }

    private static APIGatewayProxyResponseEvent json(int status, String body) {
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(Map.of("Content-Type", "application/json")).withBody(body);
    }

    /**
     * {@code POST /_openprofiles/reset}: waits for the requests in flight (new ones wait for the reset), then deletes
     * every item and applies the domain files again, all within {@link #RESET_TIME}. 200 with what it did; 503 when the
     * requests in flight did not finish in time (nothing was changed); 500 when the reset itself did not finish (call
     * it again).
     */
    private APIGatewayProxyResponseEvent reset() {
        Deadline deadline = Deadline.in(RESET_TIME);
        long started = System.nanoTime();
        Lock write = resetLock.writeLock();
        try {
            if (!write.tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                return json(503, fields("status", "busy",
                        "message", "Requests in flight did not finish within " + RESET_TIME.toSeconds() + " s; nothing was reset"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return json(503, fields("status", "busy", "message", "Interrupted while waiting for requests in flight; nothing was reset"));
        }
        try {
            EmulatorReset.Result result = reset.run(deadline);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.println(fields("level", "INFO", "event", "emulatorReset", "deletedItems", result.deleted(),
                    "domains", result.domains(), "ms", millis));
            return json(200, fields("status", "ok", "deletedItems", result.deleted(), "domains", result.domains()));
        } catch (RuntimeException e) {
            System.out.println(fields("level", "ERROR", "event", "emulatorResetFailed", "error", e.getClass().getName()));
            return json(500, fields("status", "failed",
                    "message", "The reset did not finish (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); call it again"));
        } finally {
            write.unlock();
        }
    }

    /** A JSON object of these names and values, in this order. */
    private static String fields(Object... namesAndValues) {
        Map<String, Object> object = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return Json.write(object);
    }
}

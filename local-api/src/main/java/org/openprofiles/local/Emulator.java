package org.openprofiles.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.openprofiles.api.ContactRecordStreamHandler;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.kinesis.LocalKinesis;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The emulator as one runs it: {@code java -jar openprofiles-emulator.jar [options]} or the build's {@code exec:java}.
 * Picks the DynamoDB ({@link EmulatorOptions}: a named endpoint, else DynamoDB Local in-process from the build's
 * classpath or from {@link DynamoDbLocalLibrary}), applies the domain files and serves the local API; the Kinesis (a
 * named endpoint, else kinesalite when Node.js is there, else off) joins in the background, printed when it has.
 */
public final class Emulator implements AutoCloseable {
    /** DynamoDB Local's loader, made once per JVM: emulators started one after another in a JVM (a test suite) share its classes. */
    private static ClassLoader fetchedDynamoDbLocal;

    /** What {@link #start(String[], PrintStream)} waits for Kinesis to join: its npm installation and its start, bounded by LocalKinesis. */
    static final Duration KINESIS_JOIN_TIME = Duration.ofMinutes(6);
    /** How long C2 stays held back after the API serves while Kinesis joins (about half a second on a quiet machine). */
    static final Duration C2_HELD_FOR_KINESIS = Duration.ofSeconds(5);

    private final LocalApi api;
    private final List<AutoCloseable> resources;
    private final String startLine;
    /** The line(s) saying how Kinesis joined or why it is off; null when the start line already says it. */
    private final CompletableFuture<String> kinesisLater;

    private Emulator(LocalApi api, List<AutoCloseable> resources, String startLine, CompletableFuture<String> kinesisLater) {
        this.api = api;
        this.resources = resources;
        this.startLine = startLine;
        this.kinesisLater = kinesisLater;
    }

    public int port() { return api.port(); }

    public URI endpoint() { return URI.create("http://127.0.0.1:" + api.port()); }

    /** What the emulator prints once it serves: its endpoint, its DynamoDB, its domains, its Kinesis (starting, on, or off and why). */
    public String startLine() { return startLine; }

    /**
     * Completes once Kinesis has joined or turned out to be off, with the line(s) saying so; with null when the start line
     * already said it (Kinesis was settled before the API served).
     */
    CompletableFuture<String> kinesisLater() { return kinesisLater; }

    /**
     * Starts an emulator with these command-line options (the environment fills in the rest); {@code progress} gets
     * fetch lines. For tests in this JVM (the JUnit extension): returns once Kinesis has joined as well (or turned out
     * to be off), so a test can use the stream features at once.
     */
    public static Emulator start(String[] args, PrintStream progress) throws IOException {
        Emulator emulator = start(EmulatorOptions.parse(args, System.getenv()), progress);
        try {
            emulator.kinesisLater.get(KINESIS_JOIN_TIME.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            emulator.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IOException("the emulator's Kinesis did not join within " + KINESIS_JOIN_TIME.toMinutes() + " minutes", e);
        }
        return emulator;
    }

    /**
     * Serves as soon as the table and the domains are ready; Kinesis (kinesalite, started here, or the endpoint given)
     * joins in the background, and the stream features with it ({@link EmulatorKinesis}: requests that need Kinesis
     * meanwhile wait for it, bounded).
     */
    static Emulator start(EmulatorOptions options, PrintStream progress) throws IOException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return startWith(options, progress, resources);
        } catch (IOException | RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    private static Emulator startWith(EmulatorOptions options, PrintStream progress, List<AutoCloseable> resources) throws IOException {
        if (options.dataDir() != null) Files.createDirectories(options.dataDir());
        // kinesalite (a Node.js process) starts while this JVM loads DynamoDB Local; nothing below waits for it.
        CompletableFuture<LocalKinesis> started = CompletableFuture.supplyAsync(() -> options.kinesisEndpoint() != null
                ? LocalKinesis.at(options.kinesisEndpoint()) : LocalKinesis.startEmulator(options.kinesisPort(), options.cacheDir(), progress),
                Emulator::daemon);
        // Closed with the emulator, or when a later step of the start fails (then as soon as it is up).
        resources.add(() -> started.thenAccept(LocalKinesis::close));
        Map<String, String> seedFiles = seedFiles(options.domainsDir());
        String productionRules = System.getenv(LocalApi.PRODUCTION_RULES_VARIABLE);
        DynamoDbClient dynamo;
        DynamoDbStreamsClient streams;
        String dynamoDescription;
        String keptIn = options.dataDir() == null ? "in memory" : "kept in " + options.dataDir();
        if (productionRules != null) {
            // Production-like: conflicts, throttles and lost responses at the wire, under the production client config.
            Rules rules = Rules.parse(productionRules);
            URI upstream = options.dynamoDbEndpoint();
            if (upstream == null) {
                DynamoDbLocal.Server server = DynamoDbLocal.server(dynamoDbLocal(options, progress), options.dataDir());
                resources.add(server.stop());
                upstream = server.endpoint();
            }
            ProductionLikeDynamo proxy = ProductionLikeDynamo.start(upstream, 0, rules);
            resources.add(proxy);
            dynamo = LocalApi.productionClient(proxy.endpoint());
            streams = LocalApi.streamsClient(upstream); // the change stream is read as Lambda reads it, not through the table's faults
            dynamoDescription = "production-like proxy " + proxy.endpoint() + " [" + rules + "] in front of "
                    + (options.dynamoDbEndpoint() == null ? "DynamoDB Local, " + keptIn + ", at " + upstream : options.dynamoDbEndpoint());
        } else if (options.dynamoDbEndpoint() == null) {
            DynamoDbLocal.Embedded embedded = DynamoDbLocal.embedded(dynamoDbLocal(options, progress), options.dataDir());
            resources.add(embedded.shutdown());
            dynamo = embedded.dynamo();
            streams = embedded.streams();
            dynamoDescription = "DynamoDB Local embedded, " + keptIn;
        } else {
            dynamo = LocalApi.productionClient(options.dynamoDbEndpoint());
            streams = LocalApi.streamsClient(options.dynamoDbEndpoint());
            dynamoDescription = options.dynamoDbEndpoint().toString();
        }
        EmulatorKinesis kinesis = EmulatorKinesis.starting(EmulatorKinesis.WAIT);
        LocalApi api = LocalApi.start(options.port(), new LocalApi.Backends(dynamo, streams, null), ProfilesTable.tableName(), seedFiles, kinesis);
        resources.add(0, api);
        CompletableFuture<String> joined = started.thenApplyAsync(own -> join(api, own, kinesis), Emulator::daemon)
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    kinesis.off(cause.getMessage());
                    return "Kinesis: off, so event streams and the contact-record stream are off: " + cause.getMessage();
                });
        String line = "Local API on http://127.0.0.1:" + api.port() + " (DynamoDB: " + dynamoDescription
                + ", table " + ProfilesTable.tableName() + "); domains: " + String.join(", ", seedFiles.keySet());
        // Settled already (no Node.js fails at once): the start line says how; else it says Kinesis is starting, and how it joined follows.
        String settled = joined.getNow(null);
        if (settled != null) return new Emulator(api, resources, line + "\n" + settled, CompletableFuture.completedFuture(null));
        line += "\nKinesis: starting (" + (options.kinesisEndpoint() != null ? options.kinesisEndpoint() : "kinesalite, Node.js")
                + "); event streams and the contact-record stream join when it is ready";
        return new Emulator(api, resources, line, joined);
    }

    /**
     * Kinesis has started: the contact-record stream is created and read, then the stream features are on. The line(s)
     * saying so.
     */
    private static String join(LocalApi api, LocalKinesis kinesis, EmulatorKinesis features) {
        String stream = envOr(LocalApi.CONTACT_RECORDS_STREAM_ENV, LocalApi.DEFAULT_CONTACT_RECORDS_STREAM);
        String domain = envOr(LocalApi.CONTACT_RECORDS_DOMAIN_ENV, LocalApi.DEFAULT_CONTACT_RECORDS_DOMAIN);
        String objectType = envOr(ContactRecordStreamHandler.OBJECT_TYPE_ENV, ContactRecordService.DEFAULT_OBJECT_TYPE);
        api.readContactRecords(kinesis.client(), kinesis.createStream(stream, 2), domain, objectType);
        features.ready(kinesis.client());
        return "Kinesis for event streams: " + kinesis.endpoint() + " (ready " + uptimeMillis() + " ms after this JVM started)"
                + "\nContact records: Kinesis stream " + stream + " at " + kinesis.endpoint() + " -> domain " + domain + ", object type " + objectType;
    }

    /** A daemon thread per task: off the start's path, and never keeping the JVM alive. */
    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "emulator-start");
        thread.setDaemon(true);
        thread.start();
    }

    /** Milliseconds since this JVM started, as the JVM counts them. */
    private static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /** DynamoDB Local's class loader: the build's classpath when it has it, else the jars {@link DynamoDbLocalLibrary} finds or fetches. */
    private static ClassLoader dynamoDbLocal(EmulatorOptions options, PrintStream progress) throws IOException {
        ClassLoader own = DynamoDbLocal.onClasspath();
        if (own != null) return own;
        List<DynamoDbLocalLibrary.Artifact> closure = DynamoDbLocalLibrary.closure();
        if (closure.isEmpty()) {
            throw new IOException("DynamoDB Local is neither on the classpath nor listed in this jar: build the emulator with Maven,"
                    + " or name a DynamoDB endpoint (--dynamodb-endpoint)");
        }
        synchronized (Emulator.class) {
            if (fetchedDynamoDbLocal == null) {
                fetchedDynamoDbLocal = DynamoDbLocalLibrary.load(closure, options.mavenRepository(), options.cacheDir().resolve("maven"),
                        options.mavenCentral(), progress);
            }
            return fetchedDynamoDbLocal;
        }
    }

    /** The shipped domain files, then those in {@code directory} (a file of the same name replaces the shipped one). */
    static Map<String, String> seedFiles(Path directory) throws IOException {
        Map<String, String> files = new TreeMap<>(DomainLoader.classpathFiles());
        if (directory == null) return files;
        if (!Files.isDirectory(directory)) throw new IOException("--domains " + directory + " is not a directory");
        try (Stream<Path> paths = Files.list(directory)) {
            for (Path path : paths.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                files.put(path.getFileName().toString(), Files.readString(path, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("could not close " + resource + ": " + e);
            }
        }
        resources.clear();
    }

    public static void main(String[] args) {
        EmulatorOptions options;
        try {
            options = EmulatorOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(EmulatorOptions.usage());
            return;
        }
        // C2 is held back from the start's first few hundred milliseconds on: the JVM's management beans it needs load
        // on another thread meanwhile, instead of before everything else.
        CompletableFuture<StartupCompiler> compiler = CompletableFuture.supplyAsync(StartupCompiler::holdBackC2, Emulator::daemon);
        Emulator emulator;
        try {
            emulator = start(options, System.out);
        } catch (IOException | RuntimeException e) {
            compiler.join().close();
            System.err.println("The emulator did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "emulator-shutdown"));
        System.out.println(emulator.startLine() + "\nReady " + uptimeMillis() + " ms after this JVM started");
        emulator.kinesisLater().thenAccept(line -> {
            if (line != null) System.out.println(line);
        });
        // Kinesis joining is run-once start code too: C2 stays held back until it has joined, for a bounded time (kinesalite
        // installed with npm at the first start takes longer: the API's requests then get C2 as usual meanwhile).
        try {
            emulator.kinesisLater().get(C2_HELD_FOR_KINESIS.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException stillJoining) {
            // compiled as usual from now on; the line about Kinesis comes when it has joined
        } finally {
            compiler.join().close();
        }
    }
}

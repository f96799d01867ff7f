package org.openprofiles.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * classpath or from {@link DynamoDbLocalLibrary}), the Kinesis (a named endpoint, else kinesalite when Node.js and
 * its build are there, else off, said at start), applies the domain files and serves the local API.
 */
public final class Emulator implements AutoCloseable {
    /** DynamoDB Local's loader, made once per JVM: emulators started one after another in a JVM (a test suite) share its classes. */
    private static ClassLoader fetchedDynamoDbLocal;

    private final LocalApi api;
    private final List<AutoCloseable> resources;
    private final String startLine;

    private Emulator(LocalApi api, List<AutoCloseable> resources, String startLine) {
        this.api = api;
        this.resources = resources;
        this.startLine = startLine;
    }

    public int port() { return api.port(); }

    public URI endpoint() { return URI.create("http://127.0.0.1:" + api.port()); }

    /** What the emulator prints once it serves: its endpoint, its DynamoDB, its Kinesis (or why it has none), its domains. */
    public String startLine() { return startLine; }

    /** Starts an emulator with these command-line options (the environment fills in the rest); {@code progress} gets fetch lines. */
    public static Emulator start(String[] args, PrintStream progress) throws IOException {
        return start(EmulatorOptions.parse(args, System.getenv()), progress);
    }

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
        // kinesalite (a Node.js process) starts while this JVM loads DynamoDB Local: the two overlap on the machine's cores.
        CompletableFuture<LocalKinesis> ownKinesis = options.kinesisEndpoint() != null ? null
                : CompletableFuture.supplyAsync(() -> LocalKinesis.startEmulator(options.kinesisPort(), options.cacheDir(), progress));
        // Closed with the emulator, or when a later step of the start fails (then as soon as it is up).
        if (ownKinesis != null) resources.add(() -> ownKinesis.thenAccept(LocalKinesis::close));
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
        LocalKinesis kinesis = null;
        String kinesisOff = null;
        if (options.kinesisEndpoint() != null) {
            kinesis = LocalKinesis.at(options.kinesisEndpoint());
        } else {
            try {
                kinesis = ownKinesis.join();
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof IllegalStateException || e.getCause() instanceof UncheckedIOException)) throw e;
                kinesisOff = e.getCause().getMessage();
            }
        }
        if (kinesis != null && ownKinesis == null) resources.add(kinesis);
        LocalApi api = LocalApi.start(options.port(), new LocalApi.Backends(dynamo, streams, kinesis == null ? null : kinesis.client()),
                ProfilesTable.tableName(), seedFiles, kinesisOff);
        resources.add(0, api);
        String line = "Local API on http://127.0.0.1:" + api.port() + " (DynamoDB: " + dynamoDescription
                + ", table " + ProfilesTable.tableName() + "; "
                + (kinesis == null ? "Kinesis: off, so event streams and the contact-record stream are off: " + kinesisOff
                        : "Kinesis for event streams: " + kinesis.endpoint()) + "); domains: " + String.join(", ", seedFiles.keySet());
        if (kinesis != null) {
            String stream = envOr(LocalApi.CONTACT_RECORDS_STREAM_ENV, LocalApi.DEFAULT_CONTACT_RECORDS_STREAM);
            String domain = envOr(LocalApi.CONTACT_RECORDS_DOMAIN_ENV, LocalApi.DEFAULT_CONTACT_RECORDS_DOMAIN);
            String objectType = envOr(ContactRecordStreamHandler.OBJECT_TYPE_ENV, ContactRecordService.DEFAULT_OBJECT_TYPE);
            api.readContactRecords(kinesis.client(), kinesis.createStream(stream, 2), domain, objectType);
            line += "\nContact records: Kinesis stream " + stream + " at " + kinesis.endpoint() + " -> domain " + domain
                    + ", object type " + objectType;
        }
        return new Emulator(api, resources, line);
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
        try (StartupCompiler compiler = StartupCompiler.holdBackC2()) {
            Emulator emulator = start(options, System.out);
            Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "emulator-shutdown"));
            long millis = ProcessHandle.current().info().startInstant()
                    .map(started -> Duration.between(started, Instant.now()).toMillis()).orElse(-1L);
            System.out.println(emulator.startLine() + (millis >= 0 ? "\nReady " + millis + " ms after this JVM started" : ""));
        } catch (IOException | RuntimeException e) {
            System.err.println("The emulator did not start: " + e.getMessage());
            System.exit(1);
        }
    }
}

package org.openprofiles.benchmark;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.openprofiles.benchmark.Harness.*;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.AdminHandler;
import org.openprofiles.api.ProfileLifecycleHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.export.KinesisDestinations;
import org.openprofiles.kinesis.LocalKinesis;
import org.openprofiles.service.EventStreamService;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.model.KeyValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Prints, against DynamoDB Local: DynamoDB calls per request; in-process handler latency beside
 * the same DynamoDB calls issued bare (ratio from the same run, interleaved per iteration);
 * fresh-JVM cold start of each handler from the shaded jar beside a bare JVM doing one PutItem;
 * the Lambda jar's size and peak heap. Every target of the performance issue is checked.
 *
 * <p>Run: {@code mvn -B -q -DskipTests -pl benchmark -am package exec:java}; one table only with
 * {@code -Dexec.args=warm} (the warm-request table), {@code contention}, {@code lifecycle-mix}, {@code contact-records},
 * {@code cost}, {@code event-streams} or {@code calculated-attributes}; {@code emulator-start} (the emulator jar's
 * start and memory) needs the jar, built first by {@code mvn -B -q -DskipTests -pl emulator -am package}.
 */
public final class Benchmark {
    public static void main(String[] args) throws Exception {
        boolean smoke = WarmRequests.ITERATIONS != 1000 || ColdStarts.COLD_STARTS != 9;
        teeTo(RESULTS.resolve((smoke ? "smoke-" : "") + (args.length > 0 ? args[0] : "full") + ".txt"));
        System.out.println("openprofiles benchmark " + java.time.Instant.now() + (args.length > 0 ? " " + String.join(" ", args) : "")
                + ": Java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        if (args.length > 0 && "emulator-start".equals(args[0])) System.exit(EmulatorStart.run() ? 0 : 1);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
        // The embedded server's threads would keep the JVM (and exec:java) waiting after a failure: end it.
        Thread.currentThread().setUncaughtExceptionHandler((thread, failure) -> {
            failure.printStackTrace();
            System.exit(2);
        });
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Recorder recorder = new Recorder();
        DynamoDbClient recorded = client(endpoint, recorder);
        DynamoDbClient bare = client(endpoint, null);
        String table = ProfilesTable.DEFAULT_TABLE_NAME;
        bare.createTable(ProfilesTable.createTableRequest(table));

        // What a deploy applies; the handlers read the configuration from the table, through the recorded client.
        new DomainAdminService(new ConfigReads(bare, table), new ConfigWrites(bare, table), Clock.systemUTC(), ErasureWorker.GRACE)
                .applyFiles(DomainLoader.classpathFiles(), Deadline.in(DynamoDbClients.FUNCTION_TIMEOUT));
        if (args.length > 0 && "contention".equals(args[0])) {
            // Only the contention table, repeated: it varies most from run to run on shared machines.
            boolean pass = true;
            for (int run = 0; run < Contention.CONTENTION_RUNS; run++) {
                progress("contention, run " + (run + 1) + "/" + Contention.CONTENTION_RUNS);
                pass &= Contention.contention(endpoint, table);
            }
            System.exit(pass ? 0 : 1);
        }
        if (args.length > 0 && "lifecycle-mix".equals(args[0])) System.exit(LifecycleMix.run(endpoint, table) ? 0 : 1);
        Path requestLog = CLASSES.resolve("../benchmark-requests.log").normalize();
        if (args.length > 0 && "contact-records".equals(args[0])) {
            try (java.io.PrintStream quiet = new java.io.PrintStream(Files.newOutputStream(requestLog), false, StandardCharsets.UTF_8)) {
                System.exit(ContactRecordThroughput.run(endpoint, table, quiet) ? 0 : 1);
            }
        }
        if (args.length > 0 && "calculated-attributes".equals(args[0])) {
            try (java.io.PrintStream quiet = new java.io.PrintStream(Files.newOutputStream(requestLog), false, StandardCharsets.UTF_8)) {
                System.exit(CalculatedAttributeReads.run(endpoint, table, System.out, quiet) ? 0 : 1);
            }
        }
        if (args.length > 0 && "cost".equals(args[0])) {
            Cost.run(endpoint, table);
            System.exit(0);
        }
        LocalKinesis kinesis = LocalKinesis.startEmulator();
        if (args.length > 0 && "event-streams".equals(args[0])) {
            boolean pass = EventLatency.run(endpoint, kinesis);
            kinesis.close();
            System.exit(pass ? 0 : 1);
        }
        Domains domains = new LiveDomains(new ConfigReads(recorded, table));
        ProfileStore store = new DynamoProfileStore(recorded, table, Clock.systemUTC());
        PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
        AddProfileKeyHandler addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(domains, store));
        ProfileLifecycleHandler lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, store));
        // Unmeasured set-up writes (the keys DeleteProfileKey removes, the profiles DeleteProfile erases): the bare client.
        ProfileStore bareStore = new DynamoProfileStore(bare, table, Clock.systemUTC());
        Domains bareDomains = new LiveDomains(new ConfigReads(bare, table));
        AddProfileKeyHandler bareAddKey = new AddProfileKeyHandler(new AddProfileKeyService(bareDomains, bareStore));
        PutProfileObjectHandler barePut = new PutProfileObjectHandler(new PutProfileObjectService(bareDomains, bareStore, Clock.systemUTC()));
        ConfigReads recordedConfig = new ConfigReads(recorded, table);
        AdminHandler admin = new AdminHandler(new DomainAdminService(recordedConfig, new ConfigWrites(recorded, table), Clock.systemUTC(),
                ErasureWorker.GRACE), new EventStreamService(recordedConfig, new EventStreamWrites(recorded, table),
                new KinesisDestinations(kinesis.client()), Clock.systemUTC()));
        // Configuration changes made by another container: through the bare client, not counted.
        DomainAdminService otherContainer = new DomainAdminService(new ConfigReads(bare, table), new ConfigWrites(bare, table), Clock.systemUTC(),
                ErasureWorker.GRACE);

        // The handlers' request log goes to a file, as Lambda sends stdout to a pipe, not a terminal.
        java.io.PrintStream console = System.out;
        java.io.PrintStream log = new java.io.PrintStream(Files.newOutputStream(requestLog), false, StandardCharsets.UTF_8);
        System.setOut(log);

        // A profile with 20 contact records, found by its phone.
        for (int i = 0; i < 20; i++) put.handleRequest(putCtr("seed-" + i, "+1 206 555 0100"), null);
        String profileId = profileOf(bare, table, "+12065550100");
        // AddProfileKey's 1,300 values go to a profile of their own: on the one above they would make every other
        // scenario read a profile holding 1,300 key values.
        put.handleRequest(putCtr("keys-0", "+1 206 555 0199"), null);
        String keysProfileId = profileOf(bare, table, "+12065550199");

        List<WarmRequests.Scenario> scenarios = WarmRequests.scenarios(put, addKey, read, lifecycle, admin, barePut, bareAddKey,
                otherContainer, profileId, keysProfileId);
        List<WarmRequests.Result> results = new ArrayList<>();
        try (log) {
            results.addAll(WarmRequests.measureAll(scenarios, recorder, bare));
        } finally {
            System.setOut(console);
        }
        System.out.println("Java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores; request log in " + requestLog);

        boolean pass = WarmRequests.print(results);
        if (args.length > 0 && "warm".equals(args[0])) {
            System.out.println(pass ? "ALL TARGETS MET" : "SOME TARGETS MISSED");
            System.exit(pass ? 0 : 1);
        }

        try (java.io.PrintStream quiet = new java.io.PrintStream(Files.newOutputStream(requestLog,
                java.nio.file.StandardOpenOption.APPEND), false, StandardCharsets.UTF_8)) {
            progress("DeleteProfile and MergeProfiles by profile size");
            pass &= LifecycleAtScale.lifecycleAtScale(barePut, lifecycle, recorder, bare, table, console, quiet);
        }

        try (java.io.PrintStream quiet = new java.io.PrintStream(Files.newOutputStream(requestLog,
                java.nio.file.StandardOpenOption.APPEND), false, StandardCharsets.UTF_8)) {
            progress("calculated attribute reads by profile size, and BatchGet of 100 profiles");
            pass &= CalculatedAttributeReads.run(endpoint, table, console, quiet);
        }

        progress("contention on one profile");
        pass &= Contention.contention(endpoint, table);
        progress("lifecycle mix");
        pass &= LifecycleMix.run(endpoint, table);
        progress("event streams: from a put's 200 to its event on the stream");
        pass &= EventLatency.run(endpoint, kinesis);
        kinesis.close();
        try (java.io.PrintStream quiet = new java.io.PrintStream(Files.newOutputStream(requestLog,
                java.nio.file.StandardOpenOption.APPEND), false, StandardCharsets.UTF_8)) {
            progress("contact records in");
            pass &= ContactRecordThroughput.run(endpoint, table, quiet);
        }

        pass &= ColdStarts.run(endpoint, table, profileId);

        System.out.println();
        long jarBytes = Files.size(JAR);
        System.out.printf("Lambda jar: functions/target/%s  %.2f MB%n", JAR.getFileName(), jarBytes / 1048576.0);
        // 12 MB until event streams: the SDK's Kinesis client adds 1.7 MB.
        pass &= check("jar size", jarBytes <= 14L * 1024 * 1024, String.format("%.2f MB <= 14 MB", jarBytes / 1048576.0));
        System.out.println();
        System.out.println(pass ? "ALL TARGETS MET" : "SOME TARGETS MISSED");
        server.stop();
        System.exit(pass ? 0 : 1);
    }

    /** The profile a phone number (normalised) is a key value of. */
    private static String profileOf(DynamoDbClient bare, String table, String phone) {
        return bare.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(ProfilesTable.PARTITION_KEY,
                        AttributeValue.fromS(StoreKeys.keyValue(DOMAIN, new KeyValue("_phone", phone))))))
                .item().get("profileIds").ss().get(0);
    }
}

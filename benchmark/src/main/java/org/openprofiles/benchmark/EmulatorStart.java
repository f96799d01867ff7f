package org.openprofiles.benchmark;

import static org.openprofiles.benchmark.Harness.*;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The emulator jar as users start it: the time from {@code java -jar} to the first answered request (GET
 * /_openprofiles/health), median of {@value #RUNS} fresh JVMs, beside DynamoDB Local 2.6.1 started alone as a server
 * (to its first answered request: the baseline); then the emulator's resident memory after start and after 10,000
 * PutProfileObject records. Needs the jar, built first (exec:java must not run in local-api's reactor):
 * {@code mvn -B -q -DskipTests -pl emulator -am package && mvn -B -q -DskipTests -pl benchmark -am package exec:java -Dexec.args=emulator-start}.
 */
final class EmulatorStart {
    private EmulatorStart() {}

    static final int RUNS = 5;
    static final double TARGET_MS = 3000;
    static final int RECORDS = 10_000;
    /** Between two questions to a starting process: the figures are this much coarser, the start not slowed. */
    static final long POLL_MS = 10;
    static final Path EMULATOR_JAR = CLASSES.resolve("../../../emulator/target/openprofiles-emulator-0.1.0-SNAPSHOT.jar").normalize();
    /** DynamoDB Local with everything it needs (this module's runtime classpath), for the baseline. */
    static final Path DYNAMODB_LOCAL_CLASSPATH = CLASSES.resolve("../classpath.txt").normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static boolean run() throws Exception {
        if (!Files.isRegularFile(EMULATOR_JAR)) throw new IllegalStateException(EMULATOR_JAR + " is missing: build it first (mvn -B -q -DskipTests -pl emulator -am package)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String repository = System.getProperty("maven.repo.local", Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path noNode = Files.createTempDirectory("no-node");
        String[] names = {"emulator jar: DynamoDB Local embedded + kinesalite (Node.js)", "emulator jar without Kinesis (no Node.js on PATH)",
                "DynamoDB Local 2.6.1 alone (server, -inMemory)"};
        double[][] millis = new double[names.length][RUNS];
        // With kinesalite the API answers before Kinesis has joined: also the time until health says "kinesis":"ready".
        double[] kinesisReady = new double[RUNS];
        for (int round = 0; round < RUNS; round++) {
            progress("emulator start, round " + (round + 1) + "/" + RUNS);
            // Interleaved, so the machine's drift affects each alike.
            for (int kind = 0; kind < names.length; kind++) {
                int port = freePort();
                List<String> command = kind < 2
                        ? List.of(java, "-jar", EMULATOR_JAR.toString(), "--port", Integer.toString(port), "--kinesis-port", "0", "--maven-repo", repository)
                        : List.of(java, "-cp", Files.readString(DYNAMODB_LOCAL_CLASSPATH).strip(), "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                        "-inMemory", "-port", Integer.toString(port), "-disableTelemetry");
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                if (kind == 1) builder.environment().put("PATH", noNode.toString());
                long started = System.nanoTime();
                Process process = builder.start();
                try {
                    URI uri = URI.create("http://127.0.0.1:" + port + (kind < 2 ? "/_openprofiles/health" : "/"));
                    awaitAnswer(process, uri, kind < 2 ? 200 : -1, null);
                    millis[kind][round] = (System.nanoTime() - started) / 1e6;
                    if (kind == 0) {
                        awaitAnswer(process, uri, 200, "\"kinesis\":\"ready\"");
                        kinesisReady[round] = (System.nanoTime() - started) / 1e6;
                    }
                } finally {
                    stop(process);
                }
            }
        }
        System.out.println();
        System.out.println("== Emulator start: java -jar to the first answered request, fresh JVM " + System.getProperty("java.version")
                + ", median of " + RUNS + " ==");
        double baseline = median(millis[2]);
        for (int kind = 0; kind < names.length; kind++) {
            System.out.printf("%-64s %6.0f ms%s%n", names[kind], median(millis[kind]), kind == 2 ? "   (baseline)"
                    : String.format("   %4.2fx DynamoDB Local alone", median(millis[kind]) / baseline));
            if (kind == 0) {
                System.out.printf("%-64s %6.0f ms%n", "  the same, until its Kinesis has joined (health \"kinesis\":\"ready\")", median(kinesisReady));
            }
        }
        System.out.println("each round's figures (ms): " + rounds(millis, kinesisReady));
        boolean pass = median(millis[0]) <= TARGET_MS;
        System.out.printf("target: the emulator jar's median start <= %.0f ms: %s%n", TARGET_MS, pass ? "MET" : "MISSED");
        memory(java, repository);
        return pass;
    }

    /** Resident memory of the default emulator after start, and after {@value #RECORDS} contact records (PutProfileObject). */
    static void memory(String java, String repository) throws Exception {
        int port = freePort();
        Process process = new ProcessBuilder(java, "-jar", EMULATOR_JAR.toString(), "--port", Integer.toString(port), "--kinesis-port", "0",
                "--maven-repo", repository).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            awaitAnswer(process, endpoint.resolve("/_openprofiles/health"), 200, "\"kinesis\":\"ready\"");
            double afterStart = rssMegabytes(process);
            progress("emulator memory: " + RECORDS + " PutProfileObject records");
            ExecutorService clients = Executors.newFixedThreadPool(4);
            long putsStarted = System.nanoTime();
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                int n = i;
                answers.add(clients.submit(() -> HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/domains/" + DOMAIN + "/profiles/objects"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"ObjectTypeName\":\"CTR\",\"Object\":\"{\\\"contactId\\\":\\\"m-" + n
                                + "\\\",\\\"customerEndpoint\\\":{\\\"address\\\":\\\"+1206555" + String.format("%04d", n % 10_000)
                                + "\\\",\\\"type\\\":\\\"TELEPHONE_NUMBER\\\"}}\"}"))
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.discarding()).statusCode()));
            }
            int ok = 0;
            for (Future<Integer> answer : answers) if (answer.get() == 200) ok++;
            clients.shutdown();
            if (ok != RECORDS) throw new IllegalStateException(ok + " of " + RECORDS + " PutProfileObject calls answered 200");
            double putSeconds = (System.nanoTime() - putsStarted) / 1e9;
            double afterRecords = rssMegabytes(process);
            System.out.printf("emulator resident memory (RSS, default options): %.0f MB after start, %.0f MB after %,d PutProfileObject records"
                    + " (%,d profiles, in-memory DynamoDB Local)%n", afterStart, afterRecords, RECORDS, RECORDS);
            // The JIT's steady state after the start: the start holds C2 back, so the code hot then keeps C1's code.
            System.out.printf("emulator right after start: %,d PutProfileObject records (4 clients) in %.1f s, %.0f records/s%n",
                    RECORDS, putSeconds, RECORDS / putSeconds);
        } finally {
            stop(process);
        }
    }

    /**
     * Asks {@code uri} every {@value #POLL_MS} ms until it answers {@code status} (-1: any) with a body containing
     * {@code containing} (null: any body). Not a busy loop: on two cores a client asking without pause takes a core from
     * the start it measures (docs/performance.md gives the difference measured).
     */
    private static void awaitAnswer(Process process, URI uri, int status, String containing) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("the process ended before answering " + uri);
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if ((status < 0 || answer.statusCode() == status) && (containing == null || answer.body().contains(containing))) return;
            } catch (IOException notYet) {
                // not listening yet: ask again after the pause
            }
            Thread.sleep(POLL_MS);
        }
        throw new IllegalStateException(uri + " did not answer within 120 s");
    }

    /** Each round's figures, in the order run: with kinesalite (first answer / Kinesis ready), without, DynamoDB Local alone. */
    private static String rounds(double[][] millis, double[] kinesisReady) {
        StringBuilder text = new StringBuilder();
        for (int round = 0; round < RUNS; round++) {
            text.append(round == 0 ? "" : "; ").append(String.format("%.0f/%.0f, %.0f, %.0f",
                    millis[0][round], kinesisReady[round], millis[1][round], millis[2][round]));
        }
        return text.toString();
    }

    /** VmRSS of the process (Linux /proc), in MB. */
    private static double rssMegabytes(Process process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

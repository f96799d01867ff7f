package org.openprofiles.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulator jar as users get it: what it contains, how it finds DynamoDB Local, its options. */
class EmulatorJarIT {
    static final String CLOSURE = "openprofiles-emulator/dynamodb-local.closure";

    @TempDir
    Path temp;

    /** DynamoDB Local's license forbids redistributing it: not a class, native library or resource of it is in the jar. */
    @Test
    void theJarHoldsNothingOfDynamoDbLocal() throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(JarProcess.JAR.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) names.add(entry.getName());
        }
        assertTrue(names.contains("org/openprofiles/local/Emulator.class"), "the emulator itself is there");
        assertTrue(names.contains("domains/ExampleDomainName.json"), "the shipped example domain is there");
        assertTrue(names.contains("kinesalite/package-lock.json"), "what npm needs to install kinesalite is there");
        assertFalse(names.contains("openprofiles-local-kinesis.properties"), "the build's own kinesalite path is not");
        for (String name : names) {
            assertFalse(name.startsWith("com/amazonaws/services/dynamodbv2/"), name);
            assertFalse(name.startsWith("com/almworks/"), name);
            assertFalse(name.toLowerCase().contains("sqlite"), name);
            assertFalse(name.contains("DynamoDBLocal"), name);
            assertFalse(name.endsWith(".so") || name.endsWith(".dll") || name.endsWith(".dylib") || name.endsWith(".jnilib"), name);
        }
        List<String> closure = closure();
        assertTrue(closure.stream().anyMatch(line -> line.startsWith("com/amazonaws/DynamoDBLocal/2.6.1/DynamoDBLocal-2.6.1.jar ")), closure.toString());
        for (String line : closure) assertTrue(line.matches("\\S+\\.jar [0-9a-f]{40} \\d+"), line);
    }

    /** From the Maven repository the build filled: nothing fetched, every operation answers. */
    @Test
    void startsWithDynamoDbLocalFromTheMavenRepository() throws Exception {
        Path cache = temp.resolve("cache");
        try (JarProcess emulator = JarProcess.start(List.of("--maven-repo", JarProcess.MAVEN_REPO.toString(), "--cache-dir", cache.toString()), Map.of())) {
            assertFalse(emulator.startOutput.contains("fetching"), emulator.startOutput);
            assertFalse(Files.exists(cache.resolve("maven")), "nothing was fetched");
            assertEquals(200, emulator.call("GET", "/_openprofiles/health", null).statusCode());
            HttpResponse<String> put = emulator.call("PUT", "/domains/ExampleDomainName/profiles/objects",
                    "{\"ObjectTypeName\":\"CTR\",\"Object\":\"{\\\"contactId\\\":\\\"c-1\\\",\\\"customerEndpoint\\\":{\\\"address\\\":\\\"+1 206-555-0100\\\",\\\"type\\\":\\\"TELEPHONE_NUMBER\\\"}}\"}");
            assertEquals(200, put.statusCode(), put.body());
            HttpResponse<String> reset = emulator.call("POST", "/_openprofiles/reset", null);
            assertEquals(200, reset.statusCode(), reset.body());
        }
    }

    /** An empty Maven repository: fetched once from "Maven Central" (here a local copy), a line per jar, then from the cache. */
    @Test
    void fetchesDynamoDbLocalOnceIntoTheCacheWithChecksums() throws Exception {
        Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
        HttpServer central = fakeCentral(fetches, bytes -> bytes);
        try {
            List<String> options = List.of("--maven-repo", temp.resolve("empty-repo").toString(), "--cache-dir", temp.resolve("cache").toString(),
                    "--maven-central", "http://127.0.0.1:" + central.getAddress().getPort() + "/maven2");
            try (JarProcess first = JarProcess.start(options, Map.of())) {
                // kinesalite too is installed once into the cache (npm, from the lock file the jar carries), while the API serves.
                String kinesis = first.kinesisLine(Duration.ofMinutes(6));
                assertTrue(kinesis.startsWith("Kinesis for event streams: http://127.0.0.1:"), first.output());
                assertTrue(first.output().contains("installing it with npm (first start only)"), first.output());
                int jars = closure().size();
                assertTrue(first.startOutput.contains("fetching DynamoDBLocal-2.6.1.jar"), first.startOutput);
                assertTrue(first.startOutput.contains("of " + jars + ", "), first.startOutput);
                assertEquals(200, first.call("GET", "/_openprofiles/health", null).statusCode());
                assertEquals(jars, fetches.keySet().stream().filter(path -> path.endsWith(".jar")).count(), fetches.toString());
            }
            try (JarProcess second = JarProcess.start(options, Map.of())) {
                assertTrue(second.kinesisLine(Duration.ofSeconds(60)).startsWith("Kinesis for event streams: http://127.0.0.1:"), second.output());
                assertFalse(second.output().contains("fetching"), second.output());
                assertFalse(second.output().contains("installing"), second.output());
                assertEquals(200, second.call("GET", "/_openprofiles/health", null).statusCode());
            }
            assertTrue(fetches.values().stream().allMatch(count -> count.get() == 1), "each file fetched once: " + fetches);
        } finally {
            central.stop(0);
        }
    }

    /** A jar whose bytes are not the ones the build recorded is refused, kept nowhere, and the start fails saying why. */
    @Test
    void refusesAFetchedJarWithAnotherChecksum() throws Exception {
        HttpServer central = fakeCentral(new ConcurrentHashMap<>(), bytes -> {
            byte[] changed = bytes.clone();
            changed[changed.length / 2] ^= 1;
            return changed;
        });
        try {
            Path cache = temp.resolve("cache");
            // A Kinesis of its own (never reached): no kinesalite installation into the cache either.
            JarProcess.Started run = JarProcess.run(List.of("--kinesis-endpoint", "http://127.0.0.1:9",
                    "--maven-repo", temp.resolve("empty-repo").toString(), "--cache-dir", cache.toString(),
                    "--maven-central", "http://127.0.0.1:" + central.getAddress().getPort() + "/maven2"), Map.of());
            assertEquals(1, run.exitCode(), run.output());
            assertTrue(run.output().contains("checksum mismatch"), run.output());
            try (Stream<Path> kept = Files.walk(cache)) {
                assertEquals(List.of(), kept.filter(Files::isRegularFile).toList());
            }
        } finally {
            central.stop(0);
        }
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariable() throws Exception {
        JarProcess.Started run = JarProcess.run(List.of("--help"), Map.of());
        assertEquals(0, run.exitCode(), run.output());
        for (String expected : List.of("--port <port>", "[PORT]", "--data-dir <dir>", "[OPENPROFILES_DATA_DIR]", "--domains <dir>",
                "[OPENPROFILES_DOMAINS]", "--dynamodb-endpoint <url>", "[AWS_ENDPOINT_URL_DYNAMODB]", "--kinesis-endpoint <url>",
                "[AWS_ENDPOINT_URL_KINESIS]", "--maven-repo", "--maven-central", "--cache-dir")) {
            assertTrue(run.output().contains(expected), expected + " in\n" + run.output());
        }
        JarProcess.Started wrong = JarProcess.run(List.of("--prot", "3000"), Map.of());
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.output().contains("unknown option --prot"), wrong.output());
    }

    /** --data-dir keeps what was created across a restart; the environment variable does the same as the flag. */
    @Test
    void aDataDirectoryKeepsDomainsAndProfilesAcrossRestarts() throws Exception {
        Path data = temp.resolve("data");
        List<String> options = List.of("--maven-repo", JarProcess.MAVEN_REPO.toString(), "--data-dir", data.toString());
        try (JarProcess first = JarProcess.start(options, Map.of())) {
            HttpResponse<String> created = first.call("POST", "/domains/KeptDomain", "{\"DefaultExpirationDays\":30}");
            assertEquals(200, created.statusCode(), created.body());
        }
        try (JarProcess second = JarProcess.start(List.of("--maven-repo", JarProcess.MAVEN_REPO.toString()),
                Map.of("OPENPROFILES_DATA_DIR", data.toString()))) {
            assertTrue(second.startOutput.contains("kept in " + data), second.startOutput);
            HttpResponse<String> kept = second.call("GET", "/domains/KeptDomain", null);
            assertEquals(200, kept.statusCode(), kept.body());
            assertTrue(kept.body().contains("\"DefaultExpirationDays\":30"), kept.body());
        }
        try (JarProcess inMemory = JarProcess.start(List.of("--maven-repo", JarProcess.MAVEN_REPO.toString()), Map.of())) {
            assertEquals(404, inMemory.call("GET", "/domains/KeptDomain", null).statusCode());
        }
    }

    /** --domains applies the user's domain files besides the shipped one, at start and after a reset. */
    @Test
    void domainFilesOfTheUserAreAppliedAtStartAndByReset() throws Exception {
        Path domains = Files.createDirectories(temp.resolve("domains"));
        Files.writeString(domains.resolve("Shop.json"), """
                {"DomainName": "Shop", "DefaultExpirationDays": 90,
                 "ObjectTypes": {"Order": {"Description": "orders", "AllowProfileCreation": true,
                   "Fields": {"id": {"Source": "_source.id"}, "email": {"Source": "_source.email", "Target": "_profile.EmailAddress", "ContentType": "EMAIL_ADDRESS"}},
                   "Keys": {"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}], "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}]}}}}
                """);
        try (JarProcess emulator = JarProcess.start(List.of("--maven-repo", JarProcess.MAVEN_REPO.toString(), "--domains", domains.toString()), Map.of())) {
            assertTrue(emulator.startOutput.contains("domains: ExampleDomainName.json, Shop.json"), emulator.startOutput);
            assertEquals(200, emulator.call("GET", "/domains/Shop/object-types/Order", null).statusCode());
            assertEquals(200, emulator.call("GET", "/domains/ExampleDomainName", null).statusCode());
            assertEquals(200, emulator.call("DELETE", "/domains/Shop", null).statusCode());
            assertEquals(200, emulator.call("POST", "/_openprofiles/reset", null).statusCode());
            HttpResponse<String> back = emulator.call("GET", "/domains/Shop", null);
            assertEquals(200, back.statusCode(), back.body());
        }
    }

    /**
     * The default start: the API serves at once, the start output saying Kinesis is starting (or how it settled, when it
     * was quicker); kinesalite then joins, a line says so with its endpoint, and health turns from "starting" to "ready".
     * From then on CreateEventStream checks its stream in that Kinesis.
     */
    @Test
    void kinesisJoinsAfterTheApiServesAndSaysSo() throws Exception {
        try (JarProcess emulator = JarProcess.start(List.of("--maven-repo", JarProcess.MAVEN_REPO.toString()), Map.of())) {
            assertTrue(emulator.startOutput.contains("Kinesis: starting (kinesalite, Node.js); event streams and the contact-record stream join"
                    + " when it is ready") || emulator.startOutput.contains("Kinesis for event streams: "), emulator.startOutput);
            HttpResponse<String> health = emulator.call("GET", "/_openprofiles/health", null);
            assertEquals(200, health.statusCode());
            assertTrue(health.body().matches("\\{\"status\":\"ok\",\"kinesis\":\"(starting|ready)\"}"), health.body());
            String kinesis = emulator.kinesisLine(Duration.ofSeconds(60));
            assertTrue(kinesis.matches("Kinesis for event streams: http://127\\.0\\.0\\.1:\\d+ \\(ready \\d+ ms after this JVM started\\)"), kinesis);
            assertEquals("{\"status\":\"ok\",\"kinesis\":\"ready\"}", emulator.call("GET", "/_openprofiles/health", null).body());
            HttpResponse<String> missing = emulator.call("POST", "/domains/ExampleDomainName/event-streams/out",
                    "{\"Uri\":\"arn:aws:kinesis:us-east-1:000000000000:stream/not-created\"}");
            assertEquals(400, missing.statusCode(), missing.body());
            assertTrue(missing.body().contains("does not exist in this account and region"), missing.body());
        }
    }

    /** Neither a Kinesis endpoint nor Node.js: the start line says Kinesis is off and CreateEventStream answers 400 saying why. */
    @Test
    void withoutKinesisStreamFeaturesAreOffAndSaySo() throws Exception {
        try (JarProcess emulator = JarProcess.start(List.of("--maven-repo", JarProcess.MAVEN_REPO.toString()),
                Map.of("PATH", temp.resolve("no-node-here").toString()))) {
            // Settled long before the API serves (node is not found at once), so the start output says it.
            assertTrue(emulator.startOutput.contains("\nKinesis: off, so event streams and the contact-record stream are off: "), emulator.startOutput);
            HttpResponse<String> refused = emulator.call("POST", "/domains/ExampleDomainName/event-streams/out",
                    "{\"Uri\":\"arn:aws:kinesis:us-east-1:123456789012:stream/out\"}");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("this emulator runs without Kinesis"), refused.body());
            assertTrue(refused.body().contains("--kinesis-endpoint"), refused.body());
        }
    }

    /** Item 7: boto3 and the AWS CLI (the README's CLI quick start, word for word) against the jar. */
    @Test
    void boto3AndTheCliQuickStartRunAgainstTheJar() throws Exception {
        try (JarProcess emulator = JarProcess.start(List.of("--maven-repo", JarProcess.MAVEN_REPO.toString()), Map.of())) {
            for (String script : List.of("put_profile_object_story.py", "admin_story.py", "profile_lifecycle_story.py")) {
                Process python = new ProcessBuilder("python3", Path.of("..", "local-api", "src", "test", "python", script).toString(),
                        emulator.endpoint.toString()).redirectErrorStream(true).start();
                String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(python.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), script);
                assertEquals(0, python.exitValue(), script + ":\n" + output);
            }
        }
    }

    static List<String> closure() throws IOException {
        try (JarFile jar = new JarFile(JarProcess.JAR.toFile()); InputStream in = jar.getInputStream(jar.getEntry(CLOSURE))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
        }
    }

    /** A Maven Central for the test: the build's Maven repository over HTTP, .sha1 files computed from the (possibly altered) bytes. */
    static HttpServer fakeCentral(Map<String, AtomicInteger> fetches, UnaryOperator<byte[]> alter) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/maven2/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath().substring("/maven2/".length());
                fetches.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                boolean checksum = path.endsWith(".sha1");
                Path file = JarProcess.MAVEN_REPO.resolve(checksum ? path.substring(0, path.length() - 5) : path).normalize();
                if (!file.startsWith(JarProcess.MAVEN_REPO) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] bytes = Files.readAllBytes(file);
                byte[] body = checksum ? HexFormat.of().formatHex(sha1(bytes)).getBytes(StandardCharsets.US_ASCII) : alter.apply(bytes);
                if (!checksum) assertNotEquals(0, body.length);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        return server;
    }

    private static byte[] sha1(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

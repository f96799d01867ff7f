package org.openprofiles.kinesis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;

/**
 * A Kinesis for local runs and tests, the way DynamoDB Local is one for the table: the kinesalite emulator (npm,
 * in memory), started as a child process on a free port, or the Kinesis at {@code AWS_ENDPOINT_URL_KINESIS} when that
 * is set (as the AWS SDKs read it). The child ends with this object, or with the JVM that started it.
 */
public final class LocalKinesis implements AutoCloseable {
    /** The endpoint variable the AWS SDKs and CLI read for Kinesis. */
    public static final String ENDPOINT_ENV = "AWS_ENDPOINT_URL_KINESIS";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(60);

    private final URI endpoint;
    private final Process emulator;
    /** Built at its first use: the emulator starts kinesalite early and builds the client once its API serves. */
    private KinesisClient client;

    private LocalKinesis(URI endpoint, Process emulator) {
        this.endpoint = endpoint;
        this.emulator = emulator;
        disableCbor(); // now, as before the client: clients built elsewhere in this JVM speak JSON to it too
    }

    /** The Kinesis at {@code AWS_ENDPOINT_URL_KINESIS} when set, else a new kinesalite. */
    public static LocalKinesis start() {
        String configured = System.getenv(ENDPOINT_ENV);
        if (configured != null && !configured.isBlank()) return new LocalKinesis(URI.create(configured.strip()), null);
        return startEmulator();
    }

    /** The Kinesis at this endpoint (a user's own, or one a test started). */
    public static LocalKinesis at(URI endpoint) {
        return new LocalKinesis(endpoint, null);
    }

    /** A new, empty kinesalite on a free port of 127.0.0.1. */
    public static LocalKinesis startEmulator() {
        return startEmulator(0);
    }

    /** A new, empty kinesalite on this port of 127.0.0.1 (0: a free one), as this build installed it. */
    public static LocalKinesis startEmulator(int port) {
        return startEmulator(port, builtLauncher());
    }

    /**
     * A new, empty kinesalite on this port of 127.0.0.1 (0: a free one): the one this build installed, else (a jar
     * copied elsewhere) the launcher and lock file this jar carries, installed once with npm into {@code installDir}.
     */
    public static LocalKinesis startEmulator(int port, Path installDir, PrintStream progress) {
        return startEmulator(port, hasBuild() ? builtLauncher() : installedLauncher(installDir, progress));
    }

    private static LocalKinesis startEmulator(int port, Path launcher) {
        Process process;
        try {
            process = new ProcessBuilder("node", launcher.toString(), Integer.toString(port))
                    .directory(launcher.getParent().toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start kinesalite with node (Node.js 18+ must be on the PATH)", e);
        }
        try {
            int listening = CompletableFuture.supplyAsync(() -> announcedPort(process.getInputStream()))
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new LocalKinesis(URI.create("http://127.0.0.1:" + listening), process);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("kinesalite did not start within " + START_TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** Reads the launcher's output until it prints its port, then keeps draining it so the child never blocks. */
    private static int announcedPort(InputStream output) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("kinesalite listening on port ")) {
                    Thread drain = new Thread(() -> drain(lines), "kinesalite-output");
                    drain.setDaemon(true);
                    drain.start();
                    return Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).strip());
                }
                seen.append(line).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("kinesalite exited before listening:\n" + seen);
    }

    private static void drain(BufferedReader lines) {
        try {
            while (lines.readLine() != null) {
                // the emulator's own log: not needed
            }
        } catch (IOException ended) {
            // the child is gone
        }
    }

    /** The kinesalite package files this jar carries (resources under kinesalite/), at the versions the lock file pins. */
    private static final List<String> PACKAGE_FILES = List.of("launch.js", "package.json", "package-lock.json");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    private static boolean hasBuild() {
        return LocalKinesis.class.getResource(BUILD_PROPERTIES) != null;
    }

    /** kinesalite in {@code installDir}: installed there with {@code npm ci} the first time, in a directory of its own then moved into place. */
    private static Path installedLauncher(Path installDir, PrintStream progress) {
        // Named by the lock file's hash: a jar with other pinned versions installs beside, never over, an older one.
        Path target = installDir.resolve("kinesalite-" + lockFileHash());
        if (Files.isDirectory(target.resolve("node_modules").resolve("kinesalite"))) return target.resolve("launch.js");
        Path staging;
        try {
            Files.createDirectories(installDir);
            staging = Files.createTempDirectory(installDir, "kinesalite-install");
            for (String file : PACKAGE_FILES) {
                try (InputStream in = LocalKinesis.class.getResourceAsStream("/kinesalite/" + file)) {
                    if (in == null) throw new IllegalStateException("kinesalite/" + file + " is missing from this jar");
                    Files.copy(in, staging.resolve(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare kinesalite's installation in " + installDir, e);
        }
        progress.println("kinesalite is not installed in " + target + ": installing it with npm (first start only)");
        String output;
        int exit;
        try {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error")
                    .directory(staging.toFile()).redirectErrorStream(true).start();
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            if (!npm.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm did not install kinesalite within " + INSTALL_TIMEOUT.toMinutes() + " minutes");
            }
            exit = npm.exitValue();
            output = read.join();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run npm to install kinesalite (Node.js 18+ with npm must be on the PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while npm installed kinesalite", e);
        }
        if (exit != 0) throw new IllegalStateException("npm could not install kinesalite (exit " + exit + "): " + output.strip());
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Another emulator installed it meanwhile: use that one.
            if (!Files.isDirectory(target.resolve("node_modules").resolve("kinesalite"))) {
                throw new UncheckedIOException("could not move kinesalite into " + target, e);
            }
        }
        return target.resolve("launch.js");
    }

    private static String lockFileHash() {
        try (InputStream in = LocalKinesis.class.getResourceAsStream("/kinesalite/package-lock.json")) {
            if (in == null) throw new IllegalStateException("kinesalite/package-lock.json is missing from this jar");
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            return java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String BUILD_PROPERTIES = "/openprofiles-local-kinesis.properties";

    private static Path builtLauncher() {
        Properties properties = new Properties();
        try (InputStream in = LocalKinesis.class.getResourceAsStream(BUILD_PROPERTIES)) {
            if (in == null) throw new IllegalStateException("openprofiles-local-kinesis.properties is missing: build local-kinesis with Maven");
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path launcher = Path.of(properties.getProperty("launcher"));
        if (!Files.isDirectory(launcher.resolveSibling("node_modules").resolve("kinesalite"))) {
            throw new IllegalStateException("kinesalite is not installed next to " + launcher + ": build local-kinesis with Maven (it runs npm install)");
        }
        return launcher;
    }

    private static KinesisClient client(URI endpoint) {
        disableCbor();
        return KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(envOr("AWS_REGION", "us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        envOr("AWS_ACCESS_KEY_ID", "local"), envOr("AWS_SECRET_ACCESS_KEY", "local"))))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(15))
                        .build())
                .build();
    }

    /**
     * The Java SDK talks CBOR to Kinesis by default; kinesalite takes CBOR requests but answers GetRecords in a CBOR
     * shape the SDK cannot read (its Data). JSON works for every call, so this JVM's SDK clients use JSON, as
     * the environment variable {@code CBOR_ENABLED=false} would make them: a user's own Java client reading the local stream needs the same.
     */
    public static void disableCbor() {
        System.setProperty("aws.cborEnabled", "false");
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public URI endpoint() { return endpoint; }

    /** A client for this Kinesis, shared: do not close it. */
    public synchronized KinesisClient client() {
        if (client == null) client = client(endpoint);
        return client;
    }

    /** Creates the stream unless it exists, waits until it is ACTIVE, and returns its ARN. */
    public String createStream(String name, int shards) {
        KinesisClient client = client();
        try {
            client.createStream(r -> r.streamName(name).shardCount(shards));
        } catch (ResourceInUseException exists) {
            // created before (a Kinesis kept across runs): use it as it is
        }
        // The SDK's waiter (DescribeStream until ACTIVE, bounded): kinesalite answers at once, a real Kinesis in seconds.
        var waited = client.waiter().waitUntilStreamExists(r -> r.streamName(name),
                w -> w.waitTimeout(ACTIVE_TIMEOUT)).matched();
        if (waited.exception().isPresent()) {
            throw new IllegalStateException("stream " + name + " did not become ACTIVE within " + ACTIVE_TIMEOUT.toSeconds() + " s",
                    waited.exception().get());
        }
        return client.describeStreamSummary(r -> r.streamName(name)).streamDescriptionSummary().streamARN();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (client != null) client.close();
        }
        if (emulator != null) {
            emulator.destroy();
            try {
                if (!emulator.waitFor(5, TimeUnit.SECONDS)) emulator.destroyForcibly();
            } catch (InterruptedException e) {
                emulator.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

package org.openprofiles.emulator.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.customerprofiles.CustomerProfilesClient;

/**
 * The openprofiles emulator for one test class, in-process on a free port of 127.0.0.1:
 *
 * <pre>{@code
 * @RegisterExtension
 * static OpenProfilesEmulator emulator = new OpenProfilesEmulator();   // or .withOptions("--domains", "src/test/domains")
 *
 * @Test void finds(CustomerProfilesClient client) { ... emulator.endpoint() ... emulator.reset(); }
 * }</pre>
 *
 * or {@code @ExtendWith(OpenProfilesEmulator.class)} with {@link CustomerProfilesClient}, {@link URI} (the endpoint) or
 * {@code OpenProfilesEmulator} as parameters of test and lifecycle methods. One emulator per test class: started before
 * its first test, stopped after its last.
 *
 * <p>The emulator runs on its own AWS SDK version, so it runs in a class loader of its own, over the emulator jar this
 * jar carries, with only the JDK as parent: this test's classpath (its SDK, this client's 2.40.2) never meets it.
 * DynamoDB Local comes from the local Maven repository ({@code -Dmaven.repo.local} or ~/.m2/repository) or is fetched
 * once from Maven Central, as for {@code java -jar}. The emulator sets {@code aws.cborEnabled=false} for the JVM
 * (kinesalite cannot answer the Java SDK's CBOR).
 */
public class OpenProfilesEmulator implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** One class loader per JVM: the emulator's classes load once, however many test classes start one. */
    private static ClassLoader emulatorLoader;

    private final List<String> options;
    private AutoCloseable emulator;
    private URI endpoint;
    private CustomerProfilesClient client;

    /** An emulator with the default options (in memory, the shipped example domain, kinesalite when Node.js is there). */
    public OpenProfilesEmulator() {
        this(List.of());
    }

    private OpenProfilesEmulator(List<String> options) {
        this.options = List.copyOf(options);
    }

    /** An emulator with these command-line options ({@code java -jar ... --help} lists them), e.g. {@code "--domains", dir}. */
    public OpenProfilesEmulator withOptions(String... more) {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of(more));
        return new OpenProfilesEmulator(all);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--kinesis-port", "0"));
        args.addAll(options);
        ClassLoader loader = emulatorLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // threads the emulator starts inherit its loader, not the test's
        try {
            Class<?> type = Class.forName("org.openprofiles.local.Emulator", true, loader);
            Object started = type.getMethod("start", String[].class, PrintStream.class).invoke(null, args.toArray(String[]::new), System.out);
            emulator = (AutoCloseable) started;
            endpoint = (URI) type.getMethod("endpoint").invoke(started);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the openprofiles emulator did not start: " + e.getCause().getMessage(), e.getCause());
        } finally {
            thread.setContextClassLoader(previous);
        }
        client = CustomerProfilesClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (client != null) client.close();
        if (emulator != null) emulator.close();
        client = null;
        emulator = null;
    }

    /** The emulator's endpoint, e.g. {@code http://127.0.0.1:41234}: for any client's endpoint override. */
    public URI endpoint() {
        requireStarted();
        return endpoint;
    }

    /** The official Java SDK client, at the emulator, with dummy credentials (not checked) and us-east-1. Do not close it. */
    public CustomerProfilesClient client() {
        requireStarted();
        return client;
    }

    /** Back to the seeded state: everything created since the start is gone, the seeded domains are there again. */
    public void reset() throws IOException, InterruptedException {
        requireStarted();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/_openprofiles/reset"))
                .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IllegalStateException("the emulator's reset answered " + response.statusCode() + ": " + response.body());
    }

    private void requireStarted() {
        if (emulator == null) {
            throw new IllegalStateException("the emulator runs from the test class's beforeAll to its afterAll: register it on a static field");
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) throws ParameterResolutionException {
        Class<?> type = parameter.getParameter().getType();
        return type == CustomerProfilesClient.class || type == URI.class || type == OpenProfilesEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) throws ParameterResolutionException {
        Class<?> type = parameter.getParameter().getType();
        if (type == CustomerProfilesClient.class) return client();
        if (type == URI.class) return endpoint();
        return this;
    }

    /** The emulator jar this jar carries, copied to a temporary file once per JVM, in a loader whose parent is the JDK's alone. */
    private static synchronized ClassLoader emulatorLoader() throws IOException {
        if (emulatorLoader != null) return emulatorLoader;
        Path jar = Files.createTempFile("openprofiles-emulator", ".jar");
        jar.toFile().deleteOnExit();
        Properties build = new Properties();
        try (InputStream in = OpenProfilesEmulator.class.getResourceAsStream("emulator.properties")) {
            build.load(in);
        }
        String embedded = build.getProperty("jar");
        try (InputStream in = OpenProfilesEmulator.class.getResourceAsStream(embedded)) {
            if (in == null) throw new IllegalStateException(embedded + " is not inside this jar: build it with Maven after the emulator module");
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        emulatorLoader = new URLClassLoader("openprofiles-emulator", new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        return emulatorLoader;
    }
}

package org.openprofiles.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The emulator jar as a user runs it: {@code java -jar <jar> <options>}, in its own process; its output kept. */
final class JarProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("emulator.jar"));
    static final Path MAVEN_REPO = Path.of(System.getProperty("maven.repo"));
    private static final Pattern LISTENING = Pattern.compile("Local API on (http://127\\.0\\.0\\.1:\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Process process;
    final URI endpoint;
    /** Every line printed up to the start line, that one included. */
    final String startOutput;

    private JarProcess(Process process, URI endpoint, String startOutput) {
        this.process = process;
        this.endpoint = endpoint;
        this.startOutput = startOutput;
    }

    /** Starts the jar with these options and environment; the Kinesis port and the API port are free ones unless given. */
    static JarProcess start(List<String> options, Map<String, String> environment) throws IOException {
        Started started = run(options, environment);
        if (started.endpoint == null) throw new IllegalStateException("the emulator did not start:\n" + started.output);
        return new JarProcess(started.process, started.endpoint, started.output);
    }

    record Started(Process process, URI endpoint, String output, int exitCode) {}

    /** Runs the jar until it prints its start line (the endpoint is then set) or ends (the exit code is then set). */
    static Started run(List<String> options, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(options);
        if (!options.contains("--port")) command.addAll(List.of("--port", "0"));
        if (!options.contains("--kinesis-port")) command.addAll(List.of("--kinesis-port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                // The rest of the start output (the contact-record line, the start time), then keep draining.
                CompletableFuture.runAsync(() -> out.lines().forEach(l -> { }));
                return new Started(process, URI.create(m.group(1)), seen.toString(), -1);
            }
        }
        try {
            return new Started(process, null, seen.toString(), process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The emulator jar as a user runs it: {@code java -jar <jar> <options>}, in its own process; its output kept. */
final class JarProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("emulator.jar"));
    static final Path MAVEN_REPO = Path.of(System.getProperty("maven.repo"));
    private static final Pattern LISTENING = Pattern.compile("Local API on (http://127\\.0\\.0\\.1:\\d+)");
    /** The line that ends the start output: the API serves. */
    private static final Pattern READY = Pattern.compile("^Ready \\d+ ms after this JVM started");
    /** How Kinesis joined (its endpoint) or why it is off: in the start output, or printed after it. */
    static final Pattern KINESIS = Pattern.compile("^Kinesis for event streams: (http://\\S+)|^Kinesis: off");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Process process;
    final URI endpoint;
    /** Every line printed up to the line saying the API serves, that one included. */
    final String startOutput;
    /** Every line printed so far (the output keeps being read, so the process never blocks on it). */
    private final StringBuffer output;
    private final BlockingQueue<String> laterLines;

    private JarProcess(Process process, URI endpoint, String startOutput, StringBuffer output, BlockingQueue<String> laterLines) {
        this.process = process;
        this.endpoint = endpoint;
        this.startOutput = startOutput;
        this.output = output;
        this.laterLines = laterLines;
    }

    /** Starts the jar with these options and environment; the Kinesis port and the API port are free ones unless given. */
    static JarProcess start(List<String> options, Map<String, String> environment) throws IOException {
        Started started = run(options, environment);
        if (started.endpoint == null) throw new IllegalStateException("the emulator did not start:\n" + started.output);
        StringBuffer output = new StringBuffer(started.output);
        BlockingQueue<String> later = new LinkedBlockingQueue<>();
        Thread drain = new Thread(() -> started.rest.lines().forEach(line -> {
            output.append(line).append('\n');
            later.add(line);
        }), "emulator-output");
        drain.setDaemon(true);
        drain.start();
        return new JarProcess(started.process, started.endpoint, started.output, output, later);
    }

    /** @param rest the output after the start (null when the process ended) */
    record Started(Process process, URI endpoint, String output, int exitCode, BufferedReader rest) {}

    /** Runs the jar until it prints that it serves (the endpoint is then set) or ends (the exit code is then set). */
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
        URI endpoint = null;
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) endpoint = URI.create(m.group(1));
            if (endpoint != null && READY.matcher(line).find()) return new Started(process, endpoint, seen.toString(), -1, out);
        }
        try {
            return new Started(process, null, seen.toString(), process.waitFor(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Every line the emulator printed so far. */
    String output() {
        return output.toString();
    }

    /**
     * The line saying how Kinesis joined or why it is off: from the start output when it was settled by then, else the
     * first such line printed after it, waiting at most {@code timeout}.
     */
    String kinesisLine(Duration timeout) throws InterruptedException {
        for (String line : startOutput.split("\n")) if (KINESIS.matcher(line).find()) return line;
        long giveUp = System.nanoTime() + timeout.toNanos();
        for (String line; (line = laterLines.poll(giveUp - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
            if (KINESIS.matcher(line).find()) return line;
        }
        throw new IllegalStateException("no line about Kinesis within " + timeout + ":\n" + output());
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

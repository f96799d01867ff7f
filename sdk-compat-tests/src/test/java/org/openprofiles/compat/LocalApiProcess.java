package org.openprofiles.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The local API in its own JVM (its own SDK version), on a free port. */
final class LocalApiProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Local API on (http://127\\.0\\.0\\.1:\\d+)");
    /** How its Kinesis joined (the endpoint) or that it is off: in the start output, or printed a moment after it. */
    private static final Pattern KINESIS = Pattern.compile("^Kinesis for event streams: (http://\\S+)|^Kinesis: off");

    private final Process process;
    final String endpoint;
    /** The Kinesis the API's event streams write to (kinesalite, started by the API). */
    final String kinesisEndpoint;

    private LocalApiProcess(Process process, String endpoint, String kinesisEndpoint) {
        this.process = process;
        this.endpoint = endpoint;
        this.kinesisEndpoint = kinesisEndpoint;
    }

    /** How the API is started: from the build's classpath, or as users run it, {@code java -jar} on the emulator jar. */
    enum Mode { CLASSPATH, JAR }

    /** @param environment extra environment, e.g. AWS_ENDPOINT_URL_DYNAMODB */
    static LocalApiProcess start(Map<String, String> environment) throws IOException {
        return start(Mode.CLASSPATH, environment);
    }

    static LocalApiProcess start(Mode mode, Map<String, String> environment) throws IOException {
        String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command;
        if (mode == Mode.JAR) {
            // DynamoDB Local from the Maven repository the build filled, as a user's machine would have it.
            command = List.of(javaCommand, "-jar", System.getProperty("emulator.jar"), "--port", "0", "--maven-repo", System.getProperty("maven.repo"));
        } else {
            String classpath = System.getProperty("localApi.jar") + java.io.File.pathSeparator
                    + Files.readString(Path.of(System.getProperty("localApi.classpath"))).strip();
            command = List.of(javaCommand, "--enable-native-access=ALL-UNNAMED", "-cp", classpath, "org.openprofiles.local.LocalApi", "--port", "0");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPENPROFILES_KINESIS_PORT", "0"); // its own local Kinesis: two APIs may run at once
        builder.environment().putAll(environment);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String endpoint = null;
        // Up to the line about Kinesis, so the tests find every stream feature ready.
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) endpoint = m.group(1);
            Matcher kinesis = KINESIS.matcher(line);
            if (endpoint != null && kinesis.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return new LocalApiProcess(process, endpoint, kinesis.group(1));
            }
        }
        throw new IllegalStateException("the local API did not start:\n" + seen);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}

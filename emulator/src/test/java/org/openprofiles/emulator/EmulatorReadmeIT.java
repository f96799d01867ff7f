package org.openprofiles.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's emulator section, run as written: its shell quick start (but for the port), its pytest fixture, its Node test. */
class EmulatorReadmeIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path temp;

    static String block(String marker, String fence) throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String[] parts = readme.split("<!-- " + marker + " -->");
        assertEquals(2, parts.length, marker + " appears once in the README");
        return parts[1].split("```" + fence + "\n", 2)[1].split("```", 2)[0];
    }

    /** Runs the command from the repository root; its output, after checking it ended with status 0. */
    static String run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        // DynamoDB Local from the Maven repository this build filled (the default, ~/.m2/repository, unless the build was told otherwise).
        builder.environment().put("OPENPROFILES_MAVEN_REPO", JarProcess.MAVEN_REPO.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + output);
        return output;
    }

    @Test
    void theShellQuickStartRunsAsWritten() throws Exception {
        String block = block("quick-start-emulator", "bash");
        assertTrue(block.contains("java -jar emulator/target/openprofiles-emulator-0.1.0-SNAPSHOT.jar"), block);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // bash -e: a failing line fails the test. The emulator's own Kinesis gets a free port: tests may hold 4567.
        String script = "set -e\n" + block.replace("3100", Integer.toString(port));
        String output = run(List.of("bash", "-c", script), Map.of("OPENPROFILES_KINESIS_PORT", "0", "AWS_MAX_ATTEMPTS", "1"));
        assertTrue(output.contains("{\"status\":\"ok\",\"kinesis\":\""), output);
        assertTrue(output.contains("\"ProfileObjectUniqueKey\""), output);
        assertTrue(output.contains("\"PhoneNumber\": \"+1 206-555-0100\""), output);
        assertTrue(output.contains("\"deletedItems\""), output);
    }

    @Test
    void thePytestFixtureRunsAsWritten() throws Exception {
        Path test = Files.writeString(temp.resolve("test_emulator_readme.py"), block("emulator-pytest", "python"));
        String output = run(List.of("python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", temp.toString(), test.toString()), Map.of());
        assertTrue(output.contains("1 passed"), output);
    }

    @Test
    void theNodeTestRunsAsWritten() throws Exception {
        Path test = Files.writeString(temp.resolve("emulator.test.mjs"), block("emulator-node", "js"));
        String output = run(List.of("node", "--test", test.toString()), Map.of());
        assertTrue(output.contains("# pass 1"), output);
        assertTrue(output.contains("# fail 0"), output);
    }
}

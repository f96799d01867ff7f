package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** boto3 and the AWS CLI, unmodified but for the endpoint, against the local API. */
class OfficialClientsTest {
    static LocalApi api;

    @BeforeAll
    static void start() throws IOException {
        api = LocalApi.start(0, LocalBackends.embedded(), "openprofiles");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static void runPython(String script) throws Exception {
        runPython(script, "http://127.0.0.1:" + api.port());
    }

    static void runPython(String script, String argument) throws Exception {
        Process python = new ProcessBuilder("python3", Path.of("src/test/python", script).toString(), argument)
                .redirectErrorStream(true)
                .start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        python.waitFor(120, TimeUnit.SECONDS);
        assertEquals(0, python.exitValue(), output);
    }

    @Test
    void putProfileObjectStoryRunsThroughBoto3AndTheCli() throws Exception {
        runPython("put_profile_object_story.py");
    }

    /** Issue 11's story, unchanged: create a domain, define a type, ingest, search, delete the type and the domain. */
    @Test
    void administrationStoryRunsThroughBoto3AndTheReadmesCliQuickStart() throws Exception {
        runPython("admin_story.py");
    }

    @Test
    void profileKeyStoryRunsThroughBoto3() throws Exception {
        runPython("profile_key_story.py");
    }

    /** Issue 10: CreateProfile ... DeleteProfile, results and typed errors, through boto3 and the AWS CLI. */
    @Test
    void profileLifecycleStoryRunsThroughBoto3AndTheCli() throws Exception {
        runPython("profile_lifecycle_story.py");
    }

    /** Issue 26: profile history and the newest-first ListProfileObjects, through boto3 and the AWS CLI. */
    @Test
    void profileHistoryStoryRunsThroughBoto3AndTheCli() throws Exception {
        runPython("profile_history_story.py");
    }

    /** Issue 17: create-event-stream with the CLI, ingestion, the events read back from the local Kinesis with boto3. */
    @Test
    void eventStreamStoryRunsThroughTheCliAndBoto3() throws Exception {
        String stream = LocalBackends.kinesis().createStream("python-story", 1);
        Process python = new ProcessBuilder("python3", Path.of("src/test/python", "event_stream_story.py").toString(),
                "http://127.0.0.1:" + api.port(), LocalBackends.kinesis().endpoint().toString(), stream)
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        python.waitFor(120, TimeUnit.SECONDS);
        assertEquals(0, python.exitValue(), output);
    }

    /** Issue 25: the eight calculated attribute operations through boto3 and the AWS CLI. */
    @Test
    void calculatedAttributesStoryRunsThroughBoto3AndTheCli() throws Exception {
        runPython("calculated_attributes_story.py");
    }

    /** The README's recipe for the deployed API: boto3 and the CLI plugin sign for execute-api. */
    @Test
    void boto3AndTheCliCanSignForApiGateway() throws Exception {
        runPython("execute_api_signing.py", Path.of("..").toAbsolutePath().normalize().toString());
    }
}

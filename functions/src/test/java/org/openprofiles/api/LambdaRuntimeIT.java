package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import java.time.Clock;
import java.time.Duration;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.EventStreamService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.testing.TestKinesis;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.RuntimeApi;

/**
 * The shaded Lambda jar as Lambda runs it, which {@code sam local invoke} would exercise: the jar
 * unpacked as a task root, the official runtime interface client ({@code AWSLambda}) on the system
 * class path with the managed Java runtime's JVM options, each function in its own JVM against a
 * Runtime API served here. Every file in {@code events/} reaches its function as API Gateway
 * delivers it and gets the status its name expects; the API functions start as SnapStart starts
 * them (priming, then restore); a payload the runtime cannot deserialise gets the Runtime API's error
 * shape; the background functions answer their own events. Runs after {@code package} (failsafe).
 */
class LambdaRuntimeIT {
    static final Path JAR = Path.of("target", "functions-0.1.0-SNAPSHOT-lambda.jar");
    /** What the managed Java runtime passes its JVM (besides heap sizing and class data sharing). */
    static final List<String> LAMBDA_JVM_OPTIONS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "-Djava.net.preferIPv4Stack=true");
    static final long ANSWER_SECONDS = 60;

    static Path taskRoot;
    static String table;
    static Map<String, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> routes;
    static final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "run after package: " + JAR);
        taskRoot = Files.createTempDirectory("lambda-task");
        unzip(JAR, taskRoot); // Lambda unpacks the deployment package into /var/task
        table = LocalDynamo.newTable();
        routes = EventsReplayTest.seededRoutes(table);
    }

    @AfterAll
    static void stop() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void everyEventReachesItsFunctionThroughTheRuntimeClientAfterSnapStartPriming() throws Exception {
        // Each function's events, in file order (the in-process replay's order within a function).
        Map<String, List<Path>> byFunction = new TreeMap<>();
        for (Path file : EventsReplayTest.events().toList()) {
            APIGatewayProxyRequestEvent event = Events.fromJson(Files.readString(file));
            var handler = routes.get(event.getHttpMethod() + " " + event.getResource());
            assertNotNull(handler, "no function for the route of " + file);
            byFunction.computeIfAbsent(handler.getClass().getName(), k -> new ArrayList<>()).add(file);
        }
        assertEquals(6, byFunction.size(), "the API's six functions: " + byFunction.keySet());
        for (Map.Entry<String, List<Path>> function : byFunction.entrySet()) {
            try (RuntimeApi api = new RuntimeApi()) {
                Path log = start(function.getKey(), api, true);
                for (Path file : function.getValue()) {
                    RuntimeApi.Outcome outcome = api.await(api.invoke(Files.readString(file)), ANSWER_SECONDS);
                    assertFalse(outcome.error(), file + ": " + outcome.body());
                    Map<String, Object> response = object(outcome.body());
                    Matcher name = EventsReplayTest.EXPECTED_STATUS.matcher(file.getFileName().toString());
                    assertTrue(name.matches(), file.toString());
                    assertEquals(name.group(1), String.valueOf(response.get("statusCode")), file + ": " + outcome.body());
                    @SuppressWarnings("unchecked")
                    Map<String, Object> headers = (Map<String, Object>) response.get("headers");
                    assertNotNull(headers.get("x-amzn-RequestId"), file + ": " + outcome.body());
                }
                // SnapStart: the priming ran (its request log lines), then the runtime asked to be restored, then for work.
                assertEquals(List.of("restore/next", "next"), api.calls.subList(0, 2), function.getKey() + ": " + api.calls);
                assertTrue(Files.readString(log).contains("\"requestId\":\"snapstart-priming\""), function.getKey() + " did not prime");
                assertEquals(List.of(), api.errorsReported, function.getKey());
            }
        }
    }

    @Test
    void aPayloadTheRuntimeCannotDeserialiseGetsTheRuntimeApiErrorShape() throws Exception {
        try (RuntimeApi api = new RuntimeApi()) {
            start(PutProfileObjectHandler.class.getName(), api, false);
            RuntimeApi.Outcome outcome = api.await(api.invoke("[\"not\", \"an API Gateway event\"]"), ANSWER_SECONDS);
            assertTrue(outcome.error(), outcome.body());
            Map<String, Object> error = object(outcome.body());
            assertTrue(error.get("errorType") instanceof String type && !type.isBlank(), outcome.body());
            assertTrue(error.containsKey("errorMessage"), outcome.body());
            assertNotNull(outcome.errorType(), "Lambda-Runtime-Function-Error-Type header");
            // The container keeps serving: the next good event is answered.
            String event = Files.readString(Path.of("..", "events", "put-profile-object-200-contact-record.json"));
            RuntimeApi.Outcome next = api.await(api.invoke(event), ANSWER_SECONDS);
            assertFalse(next.error(), next.body());
            assertEquals("200", String.valueOf(object(next.body()).get("statusCode")), next.body());
        }
    }

    @Test
    void theBackgroundFunctionsAnswerTheirOwnEvents() throws Exception {
        try (RuntimeApi api = new RuntimeApi()) {
            start(ErasureHandler.class.getName(), api, false);
            String scheduled = "{\"version\":\"0\",\"id\":\"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa\",\"detail-type\":\"Scheduled Event\","
                    + "\"source\":\"aws.events\",\"account\":\"123456789012\",\"time\":\"2026-12-05T12:00:00Z\",\"region\":\"us-east-1\","
                    + "\"resources\":[\"arn:aws:events:us-east-1:123456789012:rule/erasure\"],\"detail\":{}}";
            RuntimeApi.Outcome outcome = api.await(api.invoke(scheduled), ANSWER_SECONDS);
            assertFalse(outcome.error(), outcome.body());
            assertTrue(object(outcome.body()).containsKey("abandonedFinished"), outcome.body());
        }
        try (RuntimeApi api = new RuntimeApi()) {
            start(DomainFilesHandler.class.getName(), api, false);
            Map<String, Object> create = new LinkedHashMap<>();
            create.put("RequestType", "Create");
            create.put("ResponseURL", api.responseUrl());
            create.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/openprofiles/1");
            create.put("RequestId", "c1d2e3");
            create.put("LogicalResourceId", "DomainFiles");
            create.put("ResourceType", "Custom::DomainFiles");
            RuntimeApi.Outcome outcome = api.await(api.invoke(Json.write(create)), ANSWER_SECONDS);
            assertFalse(outcome.error(), outcome.body());
            assertEquals("SUCCESS", object(outcome.body()).get("Status"), outcome.body());
            assertEquals(1, api.cloudFormationResponses.size(), "CloudFormation is answered on the ResponseURL");
            assertEquals("SUCCESS", object(api.cloudFormationResponses.get(0)).get("Status"));
        }
    }

    @Test
    void theContactRecordConsumerAnswersAKinesisBatchWithItsItemFailures() throws Exception {
        try (RuntimeApi api = new RuntimeApi()) {
            start(ContactRecordStreamHandler.class.getName(), api, false,
                    Map.of(ContactRecordStreamHandler.DOMAIN_ENV, "ExampleDomainName"));
            String batch = Files.readString(Path.of("..", "events", "streams", "contact-record-stream-voice-transfer-duplicate-poison.json"));
            RuntimeApi.Outcome outcome = api.await(api.invoke(batch), ANSWER_SECONDS);
            assertFalse(outcome.error(), outcome.body());
            assertEquals(Map.of("batchItemFailures", List.of()), object(outcome.body()), "every record done: stored, unchanged or set aside");
        }
    }

    /**
     * The exporter gets a DynamoDB Streams batch as Lambda's runtime client deserialises it (its own mix-ins for the
     * stream's attribute values) and writes the domain's events to its Kinesis stream (kinesalite): the profile's
     * creation first, then the contact record's, the object as JSON.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theEventExporterWritesAChangeStreamBatchToTheDomainsEventStream() throws Exception {
        String exportTable = LocalDynamo.newTable(); // its own: the API events expect ExampleDomainName without an event stream
        ConfigReads config = new ConfigReads(LocalDynamo.client(), exportTable);
        Deadline setUp = Deadline.in(Duration.ofSeconds(30));
        new DomainAdminService(config, new ConfigWrites(LocalDynamo.client(), exportTable), Clock.systemUTC(), ErasureWorker.GRACE)
                .applyFiles(DomainLoader.classpathFiles(), setUp);
        String streamArn = TestKinesis.newStream(1);
        new EventStreamService(config, new EventStreamWrites(LocalDynamo.client(), exportTable), TestKinesis.destinations(), Clock.systemUTC())
                .create("ExampleDomainName", "crm", Json.write(Map.of("Uri", streamArn)), setUp);
        String profileId = "6a1f0c2e9b8d4f7a8c3e5d2b1a0f9e8d"; // the profile of the sample batch: it exists, so its events are whole
        new DynamoProfileStore(LocalDynamo.client(), exportTable, Clock.systemUTC())
                .createProfile("ExampleDomainName", profileId, Map.of("PhoneNumber", "+12065550100"),
                        new org.openprofiles.store.ProfileStore.Audit(null, 30), Deadline.in(Duration.ofSeconds(5)));
        try (RuntimeApi api = new RuntimeApi()) {
            start(EventExportHandler.class.getName(), api, false, Map.of(ProfilesTable.TABLE_NAME_ENV, exportTable,
                    "AWS_ENDPOINT_URL_KINESIS", TestKinesis.get().endpoint().toString(),
                    "CBOR_ENABLED", "false")); // kinesalite keeps CBOR-written data in a form its JSON GetRecords cannot give back
            String batch = Files.readString(Path.of("..", "events", "streams", "event-export-profile-and-contact-record-created.json"));
            RuntimeApi.Outcome outcome = api.await(api.invoke(batch), ANSWER_SECONDS);
            assertFalse(outcome.error(), outcome.body());
            assertEquals(Map.of("batchItemFailures", List.of()), object(outcome.body()), "both events written");
        }
        List<Map<String, Object>> events = TestKinesis.readAll(streamArn);
        assertEquals(List.of("CREATED _profile", "CREATED CTR"), events.stream().map(e -> e.get("EventType") + " " + e.get("ObjectTypeName")).toList());
        assertEquals(Map.of("ProfileId", profileId, "PhoneNumber", "+12065550100"), events.get(0).get("Object"));
        Map<String, Object> record = (Map<String, Object>) events.get(1).get("Object");
        assertEquals("VOICE", record.get("channel"));
        assertEquals(profileId, events.get(1).get("AssociatedProfileId"));
        assertEquals("5d6c4f2a-1b2c-4d3e-8f90-a1b2c3d4e5f6", ((Map<String, Object>) record).get("contactId"));
    }

    static Path start(String handlerClass, RuntimeApi api, boolean snapStart) throws IOException {
        return start(handlerClass, api, snapStart, Map.of());
    }

    /**
     * Starts one function's container: a JVM running the runtime interface client with the handler,
     * the task root as working directory, with {@code environment} besides Lambda's; its output goes to a file, returned.
     */
    static Path start(String handlerClass, RuntimeApi api, boolean snapStart, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaHome().resolve("bin/java").toString());
        command.addAll(LAMBDA_JVM_OPTIONS);
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, runtimeClassPath()));
        command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
        command.add(handlerClass + "::handleRequest");
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile());
        Path log = Files.createTempFile("lambda-" + handlerClass.substring(handlerClass.lastIndexOf('.') + 1), ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        if (snapStart) env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "openprofiles-test");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamo.endpoint().toString());
        env.put(ProfilesTable.TABLE_NAME_ENV, table);
        env.putAll(environment);
        Process process = builder.start();
        started.add(process);
        return log;
    }

    /** The deployed runtime is Java 25: Temurin 25 when installed here, else the JVM running the test. */
    static Path javaHome() {
        String configured = System.getenv("JAVA25_HOME");
        Path java25 = configured != null ? Path.of(configured) : Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        return Files.isExecutable(java25.resolve("bin/java")) ? java25 : Path.of(System.getProperty("java.home"));
    }

    /** What Lambda puts on the system class path: the runtime client and the libraries it brings. */
    static List<String> runtimeClassPath() {
        List<String> jars = new ArrayList<>();
        for (String name : List.of("com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "com.amazonaws.services.lambda.runtime.Context",
                "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
                "software.amazon.awssdk.utilslite.SdkInternalThreadLocal")) {
            try {
                String jar = Path.of(Class.forName(name).getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                if (!jars.contains(jar)) jars.add(jar);
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new IllegalStateException("not on the test class path: " + name, e);
            }
        }
        return jars;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        return (Map<String, Object>) Json.parse(json);
    }

    static void unzip(Path jar, Path into) throws IOException {
        try (InputStream in = Files.newInputStream(jar); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) throw new IOException("entry outside the task root: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        }
    }
}

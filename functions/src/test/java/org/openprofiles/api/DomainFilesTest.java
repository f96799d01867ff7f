package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.config.DomainConfigException;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.Node;
import org.openprofiles.testing.TestContext;

/**
 * The domain files are applied at deploy and at local start as create-or-replace of what they
 * name; configuration made through the API and not named by a file stays.
 */
class DomainFilesTest {
    final String table = LocalDynamo.newTable();
    final Node node = new Node(table);
    final DomainAdminService admin = new DomainAdminService(node.config, new ConfigWrites(node.client, table), Clock.systemUTC(),
            ErasureWorker.GRACE);

    static Deadline deadline() {
        return Deadline.in(Duration.ofSeconds(30));
    }

    @Test
    void applyingTheFilesResetsWhatTheyNameAndKeepsTheRest() {
        admin.applyFiles(DomainLoader.classpathFiles(), deadline());
        Map<String, Object> fileCtr = Events.body(node.admin("GET", AdminHandler.OBJECT_TYPE, "ExampleDomainName", "CTR", null));
        assertEquals("Amazon Connect contact records, from the built-in CTR template", fileCtr.get("Description"));

        assertEquals(200, node.putType("ExampleDomainName", "CTR", "{\"Description\":\"changed\",\"TemplateId\":\"CTR\"}").getStatusCode());
        assertEquals(200, node.putType("ExampleDomainName", "Extra", "{\"Description\":\"api only\",\"TemplateId\":\"CTR\"}").getStatusCode());
        assertEquals(200, node.createDomain("ApiOnly").getStatusCode());
        assertEquals(200, node.admin("PUT", AdminHandler.DOMAIN, "ExampleDomainName", null, "{\"DefaultExpirationDays\":7,\"Tags\":{\"k\":\"v\"}}")
                .getStatusCode());

        admin.applyFiles(DomainLoader.classpathFiles(), deadline()); // the next deploy, or a restart over a persistent table
        Map<String, Object> ctr = Events.body(node.admin("GET", AdminHandler.OBJECT_TYPE, "ExampleDomainName", "CTR", null));
        assertEquals(fileCtr.get("Description"), ctr.get("Description"), "a type a file names is reset to the file");
        assertEquals(fileCtr.get("CreatedAt"), ctr.get("CreatedAt"));
        assertEquals(200, node.admin("GET", AdminHandler.OBJECT_TYPE, "ExampleDomainName", "Extra", null).getStatusCode());
        assertEquals(200, node.admin("GET", AdminHandler.DOMAIN, "ApiOnly", null, null).getStatusCode());
        Map<String, Object> domain = Events.body(node.admin("GET", AdminHandler.DOMAIN, "ExampleDomainName", null, null));
        assertEquals(new Json.JsonNumber("366"), domain.get("DefaultExpirationDays"), "the file's setting");
        assertEquals(Map.of("k", "v"), domain.get("Tags"), "what the file does not say stays");
        // The files' types are usable at once.
        assertEquals(200, node.putObject("ExampleDomainName", "MyCustomObjectName",
                Map.of("firstName", "Ann", "lastName", "Lee", "phoneNumbers", List.of(Map.of("number", "206 555 0100")))).getStatusCode());
    }

    @Test
    void aFilesCalculatedAttributesAreAppliedAsCreateOrReplaceAndDefaultsAreLeftAsTheyAre() {
        Map<String, String> files = Map.of("D.json", org.openprofiles.testing.CalculatedEvents.DOMAIN_FILE);
        admin.applyFiles(files, deadline());
        var get = org.openprofiles.testing.CalculatedEvents.definition("GET", "D", "_voice_calls_this_year", null);
        Map<String, Object> applied = Events.body(node.admin.handleRequest(get, null));
        assertEquals("COUNT", applied.get("Statistic"));
        assertEquals(200, node.admin.handleRequest(org.openprofiles.testing.CalculatedEvents.definition("PUT", "D",
                "_voice_calls_this_year", "{\"DisplayName\":\"changed\"}"), null).getStatusCode());
        assertEquals(200, node.admin.handleRequest(org.openprofiles.testing.CalculatedEvents.definition("DELETE", "D",
                "_last_channel", null), null).getStatusCode());

        admin.applyFiles(files, deadline());
        Map<String, Object> again = Events.body(node.admin.handleRequest(get, null));
        assertEquals("Voice calls this year", again.get("DisplayName"), "an attribute a file names is reset to the file");
        assertEquals(applied.get("CreatedAt"), again.get("CreatedAt"));
        assertEquals(404, node.admin.handleRequest(org.openprofiles.testing.CalculatedEvents.definition("GET", "D",
                "_last_channel", null), null).getStatusCode(), "a deleted default stays deleted across deploys");
    }

    @Test
    void aBrokenFileIsRefusedWithTheRuleAndNothingOfItIsApplied() {
        Map<String, String> files = Map.of("Bad.json", "{\"DomainName\":\"Bad\",\"ObjectTypes\":{\"T\":{\"Description\":\"d\",\"Fields\":{},\"Keys\":{}}}}");
        DomainConfigException e = org.junit.jupiter.api.Assertions.assertThrows(DomainConfigException.class, () -> admin.applyFiles(files, deadline()));
        assertTrue(e.getMessage().startsWith("Bad.json: object type 'T': exactly one key must carry UNIQUE"), e.getMessage());
        assertEquals(404, node.admin("GET", AdminHandler.DOMAIN, "Bad", null, null).getStatusCode());
    }

    @Test
    void theFilesGetTheInvocationsTimeLessWhatAnsweringCloudFormationNeeds() {
        Duration deployed = DomainFilesHandler.applyDeadline(TestContext.remaining(300_000)).remaining();
        assertTrue(deployed.compareTo(Duration.ofSeconds(288)) > 0 && deployed.compareTo(Duration.ofMillis(289_500)) <= 0, deployed.toString());
        Duration brief = DomainFilesHandler.applyDeadline(TestContext.remaining(15_000)).remaining();
        assertTrue(brief.compareTo(Duration.ofSeconds(7)) > 0 && brief.compareTo(Duration.ofMillis(7_250)) <= 0, brief.toString());
    }

    @Test
    void theCustomResourceAnswersCloudFormationOnItsResponseUrl() throws IOException {
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        HttpServer s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s3.createContext("/", exchange -> {
            answers.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        s3.start();
        try {
            String url = "http://127.0.0.1:" + s3.getAddress().getPort() + "/response?X-Amz-Signature=x";
            Map<String, Object> event = Map.of("RequestType", "Update", "ResponseURL", url, "StackId", "stack", "RequestId", "r-1",
                    "LogicalResourceId", "DomainFiles");
            List<String> applied = new ArrayList<>();
            new DomainFilesHandler(deadline -> applied.add("applied")).handleRequest(event, null);
            assertEquals(List.of("applied"), applied);
            new DomainFilesHandler(deadline -> { throw new DomainConfigException("Bad.json: object type 'T': exactly one key must carry UNIQUE"); })
                    .handleRequest(event, null);
            new DomainFilesHandler(deadline -> applied.add("deleted?")).handleRequest(Map.of("RequestType", "Delete", "ResponseURL", url), null);
            assertEquals(List.of("applied"), applied, "a stack deletion leaves the configuration as it is");

            assertEquals(3, answers.size());
            Map<?, ?> success = (Map<?, ?>) Json.parse(answers.get(0).substring("PUT ".length()));
            assertEquals(Map.of("Status", "SUCCESS", "PhysicalResourceId", DomainFilesHandler.PHYSICAL_ID, "StackId", "stack",
                    "RequestId", "r-1", "LogicalResourceId", "DomainFiles"), success);
            Map<?, ?> failure = (Map<?, ?>) Json.parse(answers.get(1).substring("PUT ".length()));
            assertEquals("FAILED", failure.get("Status"));
            assertTrue(((String) failure.get("Reason")).contains("exactly one key must carry UNIQUE"), failure.toString());
        } finally {
            s3.stop(0);
        }
    }
}

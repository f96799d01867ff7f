package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openprofiles.json.Json;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.Node;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Files a request enters (issue 24): the main-code source files (functions/src/main/java) with at least one line run
 * while one request is served. Not a test of behaviour: it runs only under the {@code files-walk} Maven profile
 * (functions/pom.xml), which attaches JaCoCo's agent and sets {@code files.walk=true}; its name keeps it out of
 * {@code mvn verify}. Run {@code tools/files-per-request.sh} (docs/performance.md, "Files a request enters").
 *
 * <p>One node as a Lambda container has it ({@link Node}: live domain configuration, the DynamoDB store, every handler)
 * over DynamoDB Local. Everything is set up through the handlers first; the agent's counters are reset right before the
 * measured request and read right after it, so only that request's lines count. Two requests are measured:
 * <ul>
 *   <li>MergeProfiles: a main profile and 2 profiles merged into it, each made by one contact record (CTR template),
 *       so each holds one object and a phone key (and the record's contact id key);</li>
 *   <li>PutProfileObject: one contact record whose phone is already on a profile, so it attaches to that profile.</li>
 * </ul>
 * {@link #main} (argument: that directory) reads the JaCoCo XML reports the profile writes after the run and prints the figures.
 */
public class FilesPerRequestWalk {
    static final String DOMAIN = "Walk";
    static final Path DIR = Path.of("target", "files-walk");

    @Test
    @EnabledIfSystemProperty(named = "files.walk", matches = "true")
    void oneMergeAndOnePut() throws Exception {
        Files.createDirectories(DIR);
        Node node = new Node(LocalDynamo.newTable());
        ok(node.createDomain(DOMAIN));
        ok(node.putType(DOMAIN, "CTR", "{\"Description\":\"contact records\",\"TemplateId\":\"CTR\"}"));

        String main = profileOf(node, put(node, "walk-main", "+1 206 555 0100"));
        String a = profileOf(node, put(node, "walk-a", "+1 206 555 0101"));
        String b = profileOf(node, put(node, "walk-b", "+1 206 555 0102"));
        String host = profileOf(node, put(node, "walk-host", "+1 206 555 0103"));
        assertEquals(4, new TreeSet<>(List.of(main, a, b, host)).size(), "four profiles");

        // PutProfileObject: a second record for a phone already on a profile attaches to it.
        String putCall = measured("put", node, () -> put(node, "walk-attach", "+1 206 555 0103"));
        assertEquals(host, profileOf(node, putCall), "the record attached to the existing profile");

        // MergeProfiles: a and b into main.
        measured("merge", node, () -> ok(node.lifecycle.handleRequest(Events.request("POST", ProfileLifecycleHandler.MERGE_RESOURCE, DOMAIN,
                Json.write(Map.of("MainProfileId", main, "ProfileIdsToBeMerged", List.of(a, b)))), null)).toString());
        assertEquals(main, profileOf(node, "walk-a"), "a's record is on the main profile");
        assertEquals(main, profileOf(node, "walk-b"), "b's record is on the main profile");
    }

    /** Runs one request with the coverage counters reset before and written to {@code DIR/name.exec} after. */
    static String measured(String name, Node node, Supplier<String> request) throws Exception {
        Class<?> agentInterface = Class.forName("org.jacoco.agent.rt.IAgent");
        Object agent = Class.forName("org.jacoco.agent.rt.RT").getMethod("getAgent").invoke(null);
        node.calls.clear();
        agentInterface.getMethod("reset").invoke(agent);
        String result = request.get();
        byte[] data = (byte[]) agentInterface.getMethod("getExecutionData", boolean.class).invoke(agent, false);
        Files.write(DIR.resolve(name + ".exec"), data);
        Files.writeString(DIR.resolve(name + ".calls"), String.join(" ", node.calls));
        return result;
    }

    /** Puts a contact record; returns its contact id. */
    static String put(Node node, String contactId, String phone) {
        ok(node.put.handleRequest(Events.putProfileObject(DOMAIN, "CTR",
                "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}"), null));
        return contactId;
    }

    /** The profile holding the contact record {@code contactId}. */
    @SuppressWarnings("unchecked")
    static String profileOf(Node node, String contactId) {
        List<Map<String, Object>> items = (List<Map<String, Object>>) ok(node.read.handleRequest(
                Events.searchProfiles(DOMAIN, "_ctrContactId", contactId), null)).get("Items");
        assertEquals(1, items.size(), contactId);
        return (String) items.get(0).get("ProfileId");
    }

    static Map<String, Object> ok(APIGatewayProxyResponseEvent response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Events.body(response);
    }

    /** Prints, per measured request, the main-code source files with at least one covered line (JaCoCo's XML reports). */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : DIR;
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder parser = factory.newDocumentBuilder();
        for (String[] request : new String[][] {{"merge", "MergeProfiles"}, {"put", "PutProfileObject"}}) {
            File report = dir.resolve(request[0]).resolve("jacoco.xml").toFile();
            if (!report.exists()) throw new IllegalStateException("no " + report + ": run tools/files-per-request.sh");
            TreeSet<String> files = new TreeSet<>();
            NodeList packages = parser.parse(report).getElementsByTagName("package");
            for (int p = 0; p < packages.getLength(); p++) {
                Element pkg = (Element) packages.item(p);
                NodeList sources = pkg.getElementsByTagName("sourcefile");
                for (int s = 0; s < sources.getLength(); s++) {
                    Element source = (Element) sources.item(s);
                    NodeList counters = source.getElementsByTagName("counter");
                    for (int c = 0; c < counters.getLength(); c++) {
                        Element counter = (Element) counters.item(c);
                        if (counter.getParentNode() == source && counter.getAttribute("type").equals("LINE")
                                && Integer.parseInt(counter.getAttribute("covered")) > 0) {
                            files.add(pkg.getAttribute("name").replaceFirst("^org/openprofiles/", "") + "/" + source.getAttribute("name"));
                        }
                    }
                }
            }
            long inStore = files.stream().filter(f -> f.startsWith("store/")).count();
            String calls = Files.readString(dir.resolve(request[0] + ".calls"));
            System.out.printf("%s enters %d files (%d in store/); DynamoDB calls: %d (%s)%n", request[1], files.size(), inStore,
                    calls.isBlank() ? 0 : calls.split(" ").length, calls);
            files.forEach(f -> System.out.println("  " + f));
        }
    }
}

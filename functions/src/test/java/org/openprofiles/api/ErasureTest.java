package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.model.ServiceException;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.service.AbandonedOperations;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.config.ConfigItems;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.DataEraser;
import org.openprofiles.store.config.ErasureLedger;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.MutableClock;
import org.openprofiles.testing.Node;
import org.openprofiles.testing.ProductionLike;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DeleteProfileObjectType and DeleteDomain: gone at once; the data erased later in bounded steps
 * that resume after a failure; afterwards a scan of the table finds nothing of what was deleted.
 */
class ErasureTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    final String table = LocalDynamo.newTable();
    final Node node = new Node(table, clock);
    /** The worker's DynamoDB as production behaves: faults are injected on the wire, under the SDK's own retries. */
    final ProductionLikeDynamo dynamo = ProductionLike.proxy(Rules.defaults());

    ErasureWorker worker(int pageSize) {
        DynamoDbClient client = ProductionLike.clientAs(FunctionRoles.ERASURE);
        ConfigReads config = new ConfigReads(client, table);
        return new ErasureWorker(new ErasureLedger(client, table), new DataEraser(client, table),
                new AbandonedOperations(config, new LiveDomains(config), new DynamoProfileStore(client, table, clock), clock), clock, pageSize);
    }

    /** A run until {@code until} on the test's clock, its calls ended within a minute. */
    static ErasureWorker.Report run(ErasureWorker worker, Instant until) {
        return worker.run(until, Deadline.in(Duration.ofSeconds(60)));
    }

    static void assertStatus(int expected, APIGatewayProxyResponseEvent response) {
        assertEquals(expected, response.getStatusCode(), response.getBody());
    }

    List<String> pks(String prefix) {
        return LocalDynamo.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream()
                .map(item -> item.get("pk").s()).filter(pk -> pk.startsWith(prefix)).sorted().toList();
    }

    void ingest(String domain, String type, int count) {
        for (int i = 0; i < count; i++) {
            assertStatus(200, node.putObject(domain, type, Map.of("id", type + "-" + i, "email", type + i + "@example.com")));
        }
    }

    @Test
    void aDeletedTypesObjectsAreErasedInResumableStepsAfterTheGracePeriod() {
        assertStatus(200, node.createDomain("Shop"));
        assertStatus(200, node.putType("Shop", "Person", ConfigConsistencyTest.PERSON_V1));
        assertStatus(200, node.putType("Shop", "Member", ConfigConsistencyTest.PERSON_V1));
        ingest("Shop", "Person", 30);
        ingest("Shop", "Member", 5);
        assertEquals(30, pks("D#Shop#O#Person#").size());

        assertStatus(200, node.deleteType("Shop", "Person"));
        APIGatewayProxyResponseEvent erasing = node.admin("GET", AdminHandler.OBJECT_TYPE, "Shop", "Person", null);
        assertStatus(404, erasing);
        assertTrue(erasing.getBody().contains("being erased"), erasing.getBody());
        APIGatewayProxyResponseEvent again = node.putType("Shop", "Person", ConfigConsistencyTest.PERSON_V1);
        assertStatus(400, again);
        assertTrue(again.getBody().contains("still being erased"), again.getBody());

        // Within the grace period nothing is erased: a request that saw the type may still be writing.
        assertEquals(new ErasureWorker.Report(0, 1, 0, 0), run(worker(7), clock.instant().plusSeconds(60)));
        assertEquals(30, pks("D#Shop#O#Person#").size());

        clock.advance(ErasureWorker.GRACE);
        // From the third BatchWriteItem on, the table throttles for good: the SDK's retries give up and the run stops part way.
        dynamo.rules(Rules.defaults().throttleFrom("BatchWriteItem", 3));
        ErasureWorker failing = worker(7);
        ServiceException stopped = assertThrows(ServiceException.class, () -> run(failing, clock.instant().plusSeconds(60)));
        assertEquals(ServiceException.Type.ThrottlingException, stopped.type());
        assertTrue(dynamo.stats().throttled("BatchWriteItem") >= 3, "the fault happened, on the wire: " + dynamo.stats());
        int left = pks("D#Shop#O#Person#").size();
        assertTrue(left > 0 && left < 30, "part of the objects were erased before the failure: " + left);

        dynamo.rules(Rules.defaults());
        ErasureWorker.Report report = run(worker(7), clock.instant().plusSeconds(60));
        assertEquals(1, report.finished());
        assertEquals(List.of(), pks("D#Shop#O#Person#"), "nothing of the deleted type is left");
        assertEquals(5, pks("D#Shop#O#Member#").size(), "the other type's objects stay");
        assertEquals(List.of(), pks("CONFIG#D#Shop#T#Person"), "the tombstone is gone");

        APIGatewayProxyResponseEvent finished = node.admin("GET", AdminHandler.OBJECT_TYPE, "Shop", "Person", null);
        assertStatus(404, finished);
        assertTrue(finished.getBody().contains("does not exist"), finished.getBody());
        assertStatus(200, node.putType("Shop", "Person", ConfigConsistencyTest.PERSON_V1));
        ingest("Shop", "Person", 1);
        assertEquals(1, pks("D#Shop#O#Person#").size(), "a new type of the old name starts empty and keeps what it gets");
    }

    @Test
    void aDeletedDomainIsErasedWholeAndItsNameIsFreeAfterwards() {
        for (String domain : List.of("Old", "Older", "Kept")) {
            assertStatus(200, node.createDomain(domain));
            assertStatus(200, node.putType(domain, "Person", ConfigConsistencyTest.PERSON_V1));
            ingest(domain, "Person", 12);
            assertStatus(200, node.putObject(domain, "CTR", Map.of("contactId", "c-1", "customerEndpoint", Map.of("address", "+12065550100"))));
        }
        assertStatus(200, node.deleteType("Older", "Person"));
        assertStatus(200, node.deleteDomain("Older")); // the type's job goes with its domain's
        assertStatus(200, node.deleteDomain("Old"));
        APIGatewayProxyResponseEvent create = node.createDomain("Old");
        assertStatus(400, create);
        assertTrue(create.getBody().contains("still being erased"), create.getBody());
        APIGatewayProxyResponseEvent get = node.admin("GET", AdminHandler.DOMAIN, "Old", null, null);
        assertTrue(get.getBody().contains("being erased"), get.getBody());

        clock.advance(ErasureWorker.GRACE.plusSeconds(1));
        // A run that runs out of time stops between steps and the next one continues.
        ErasureWorker worker = worker(10);
        assertEquals(0, run(worker, clock.instant()).finished(), "no time: no step");
        ErasureWorker.Report report = run(worker, clock.instant().plusSeconds(60));
        assertEquals(2, report.finished());
        for (String gone : List.of("D#Old#", "D#Older#", "CONFIG#D#Old", "CONFIG#D#Older")) {
            assertEquals(List.of(), pks(gone), "nothing of " + gone + " is left");
        }
        assertTrue(pks("D#Kept#").size() > 12, "another domain keeps its data");
        assertEquals(Map.of(), registryErasures());

        APIGatewayProxyResponseEvent finished = node.admin("GET", AdminHandler.DOMAIN, "Old", null, null);
        assertTrue(finished.getBody().contains("does not exist"), finished.getBody());
        assertStatus(200, node.createDomain("Old"));
        assertEquals(List.of(), Events.body(node.admin("GET", AdminHandler.OBJECT_TYPES, "Old", null, null)).get("Items"));
        assertStatus(404, node.putObject("Old", "Person", Map.of("id", "x", "email", "x@example.com")));
        assertEquals(0, run(worker, clock.instant().plusSeconds(60)).pending());
    }

    Map<String, AttributeValue> registryErasures() {
        Map<String, AttributeValue> registry = LocalDynamo.client().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(ConfigItems.REGISTRY_PK)))).item();
        return registry.containsKey("erasures") ? Map.of("erasures", registry.get("erasures")) : Map.of();
    }

    @Test
    void theWorkerFunctionRunsDueErasuresWithinItsBudget() {
        assertStatus(200, node.createDomain("Fn"));
        assertStatus(200, node.deleteDomain("Fn"));
        clock.advance(Duration.ofHours(1));
        List<Map<String, Object>> report = new ArrayList<>();
        List<Map<String, Object>> log = MetricsTest.captured(() -> {
            report.add(new ErasureHandler(worker(ErasureWorker.PAGE_SIZE), clock).handleRequest(Map.of(), null));
            return null;
        });
        assertEquals(Map.of("finished", 1, "pending", 0, "erased", 0L, "abandonedFinished", 0), report.get(0));
        // The run's progress as metrics (Embedded Metric Format, no dimension): what an operator alarms on.
        List<Map<String, Object>> runs = log.stream().filter(l -> l.containsKey(RequestLog.ERASURE_RUNS)).toList();
        assertEquals(1, runs.size(), log.toString());
        Map<String, Object> line = runs.get(0);
        for (String metric : RequestLog.ERASURE_METRICS) assertTrue(line.containsKey(metric), metric + " in " + line);
        assertEquals(List.of("1", "0", "1", "0"), List.of(RequestLog.ERASURE_RUNS, RequestLog.ERASURE_FAILURES,
                RequestLog.ERASURE_JOBS_FINISHED, RequestLog.ERASURE_JOBS_PENDING).stream().map(m -> String.valueOf(line.get(m))).toList());
        assertTrue(Json.write(line.get("_aws")).contains("\"Dimensions\":[[]]"), line.toString());
    }
}

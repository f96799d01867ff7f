package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openprofiles.service.ErasureWorker;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local API runs the erasure worker itself: after DeleteDomain (and once the grace period,
 * here zero, is over) a scan of the table finds nothing of the domain. And what the API created
 * survives a restart over the same DynamoDB.
 */
class LocalErasureTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> call(LocalApi api, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static List<String> pks(DynamoDbClient dynamo, String prefix) {
        return dynamo.scanPaginator(r -> r.tableName("openprofiles").consistentRead(true)).items().stream()
                .map(item -> item.get("pk").s()).filter(pk -> pk.startsWith(prefix)).toList();
    }

    @Test
    void aDeletedDomainIsErasedByTheLocalWorkerAndConfigurationSurvivesARestart() throws Exception {
        AmazonDynamoDBLocal embedded = DynamoDBEmbedded.create(true);
        DynamoDbClient dynamo = embedded.dynamoDbClient();
        LocalApi.Backends backends = new LocalApi.Backends(dynamo, embedded.dynamoDbStreamsClient(), LocalBackends.kinesis().client());
        try (LocalApi api = LocalApi.start(0, backends, "openprofiles", Duration.ZERO, Duration.ofMillis(100))) {
            assertEquals(200, call(api, "POST", "/domains/LocalErase", "{\"DefaultExpirationDays\":30}").statusCode());
            assertEquals(200, call(api, "POST", "/domains/Survivor", "{\"DefaultExpirationDays\":30}").statusCode());
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> put = call(api, "PUT", "/domains/LocalErase/profiles/objects",
                        "{\"ObjectTypeName\":\"CTR\",\"Object\":\"{\\\"contactId\\\":\\\"c-" + i + "\\\"}\"}");
                assertEquals(200, put.statusCode(), put.body());
            }
            assertTrue(pks(dynamo, "D#LocalErase#").size() >= 10, "objects, profiles and key values");

            assertEquals(200, call(api, "DELETE", "/domains/LocalErase", null).statusCode());
            ErasureWorker.Report report;
            int runs = 0;
            do {
                report = api.nextErasureRun(Duration.ofSeconds(30));
                assertNotNull(report, "the local worker runs");
                assertTrue(++runs <= 50, "the erasure finishes within a few runs");
            } while (report.finished() == 0);
            assertEquals(List.of(), pks(dynamo, "D#LocalErase#"));
            assertEquals(List.of(), pks(dynamo, "CONFIG#D#LocalErase"));
            assertTrue(call(api, "GET", "/domains/LocalErase", null).body().contains("does not exist"));
        }
        try (LocalApi restarted = LocalApi.start(0, backends, "openprofiles", Duration.ZERO, Duration.ofMillis(100))) {
            assertEquals(200, call(restarted, "GET", "/domains/Survivor", null).statusCode(), "created through the API, kept");
            assertEquals(200, call(restarted, "GET", "/domains/ExampleDomainName/object-types/CTR", null).statusCode());
        }
    }
}

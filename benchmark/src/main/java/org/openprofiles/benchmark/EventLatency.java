package org.openprofiles.benchmark;

import static org.openprofiles.benchmark.Harness.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.openprofiles.json.Json;
import org.openprofiles.kinesis.LocalKinesis;
import org.openprofiles.local.LocalApi;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Event streams, locally: from a PutProfileObject's 200 (through the local API's HTTP server) to its CREATED event
 * readable on the Kinesis stream (kinesalite, read with the SDK's client), one put at a time. The path: DynamoDB Local's
 * change stream, the local API's poller (every {@code 50 ms}, as Lambda polls a stream about 4 times a second), the
 * exporter, PutRecords. Target: p99 within 2 s ("within a few seconds", issue 17).
 */
final class EventLatency {
    static final int ITERATIONS = Integer.getInteger("benchmark.eventIterations", 200);
    static final Duration GIVE_UP = Duration.ofSeconds(30);

    private EventLatency() {}

    static boolean run(URI dynamoEndpoint, String table, LocalKinesis kinesis) throws Exception {
        String streamArn = kinesis.createStream("benchmark-events", 1);
        DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().endpointOverride(dynamoEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        HttpClient http = HttpClient.newHttpClient();
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())); // the API's request lines
        double[] millis = new double[ITERATIONS];
        try (LocalApi api = LocalApi.start(0, new LocalApi.Backends(client(dynamoEndpoint, null), streams, kinesis.client()), table)) {
            String base = "http://127.0.0.1:" + api.port() + "/domains/" + DOMAIN;
            send(http, "POST", base + "/event-streams/benchmark", Json.write(Map.of("Uri", streamArn)));
            String shard = kinesis.client().listShards(r -> r.streamName("benchmark-events")).shards().get(0).shardId();
            String iterator = kinesis.client().getShardIterator(r -> r.streamName("benchmark-events").shardId(shard)
                    .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
            for (int i = 0; i < ITERATIONS; i++) {
                String object = Json.write(Map.of("contactId", "event-latency-" + i, "customerEndpoint", Map.of("address", "+1 425 555 " + (1000 + i))));
                String answer = send(http, "PUT", base + "/profiles/objects", Json.write(Map.of("ObjectTypeName", "CTR", "Object", object)));
                long answered = System.nanoTime();
                String key = (String) ((Map<?, ?>) Json.parse(answer)).get("ProfileObjectUniqueKey");
                long giveUp = answered + GIVE_UP.toNanos();
                boolean seen = false;
                while (!seen) {
                    if (System.nanoTime() > giveUp) throw new IllegalStateException("no event for put " + i + " within " + GIVE_UP);
                    String current = iterator;
                    GetRecordsResponse records = kinesis.client().getRecords(r -> r.shardIterator(current));
                    iterator = records.nextShardIterator();
                    for (Record record : records.records()) {
                        if (new String(record.data().asByteArray(), StandardCharsets.UTF_8).contains("\"ProfileObjectUniqueKey\":\"" + key + "\"")) seen = true;
                    }
                }
                millis[i] = (System.nanoTime() - answered) / 1e6;
            }
        } finally {
            System.setOut(console);
        }
        Arrays.sort(millis);
        double p50 = percentile(millis, 50);
        double p99 = percentile(millis, 99);
        System.out.println();
        System.out.printf("Event streams, locally: PutProfileObject's 200 -> its event readable on Kinesis, %d puts one at a time:"
                + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", ITERATIONS, p50, p99, millis[millis.length - 1]);
        return check("event export latency", p99 <= 2000, String.format("p99 %.1f ms <= 2000 ms", p99));
    }

    private static String send(HttpClient http, String method, String url, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IllegalStateException(method + " " + url + ": " + response.statusCode() + " " + response.body());
        return response.body();
    }
}

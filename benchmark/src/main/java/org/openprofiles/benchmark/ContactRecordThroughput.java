package org.openprofiles.benchmark;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.openprofiles.benchmark.Harness.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import org.openprofiles.api.ContactRecordStreamHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.json.Json;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.kinesis.LocalKinesis;
import org.openprofiles.kinesis.KinesisEventSource;
import org.openprofiles.kinesis.MappingSettings;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.testing.ContactRecords;
import org.openprofiles.testing.TestContext;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Amazon Connect's contact records in (issue 16): records per second through the consumer's handler alone (batches
 * of 100, as the event source mapping sends them) and through the local stream (kinesalite, two shards, the local
 * API's event source), DynamoDB calls per record for a new and a known caller, and the time from a record's write to
 * the stream to its profile answering SearchProfiles, p50/p99. Targets: a known caller's record costs 2 calls, like
 * PutProfileObject; p99 of write-to-searchable under 1 s.
 */
final class ContactRecordThroughput {
    static final int CALLERS = 500;
    static final int BATCH = 100;
    static final int STREAMED = 2000;
    static final int LATENCY_SAMPLES = 200;
    /** The deployed mapping's batch size, retries and timeout (the local API reads its stream with the same). */
    static final MappingSettings MAPPING = MappingSettings.of(
            ContactRecordStreamHandler.BATCH_SIZE, ContactRecordStreamHandler.RETRY_ATTEMPTS, ContactRecordStreamHandler.TIMEOUT);

    private ContactRecordThroughput() {}

    static boolean run(URI dynamoLocal, String table, PrintStream quiet) throws Exception {
        PrintStream console = System.out;
        Recorder recorder = new Recorder();
        DynamoDbClient dynamo = client(dynamoLocal, recorder);
        Domains domains = new LiveDomains(new ConfigReads(dynamo, table));
        ProfileStore store = new DynamoProfileStore(dynamo, table, Clock.systemUTC());
        PutProfileObjectService putService = new PutProfileObjectService(domains, store, Clock.systemUTC());
        ContactRecordStreamHandler handler = new ContactRecordStreamHandler(new ContactRecordService(
                putService, store, Clock.systemUTC(), DOMAIN, "CTR"));
        PutProfileObjectHandler put = new PutProfileObjectHandler(putService);
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(domains, store));

        System.out.println();
        System.out.println("Contact records in (" + CALLERS + " callers, batches of " + BATCH + "):");
        System.setOut(quiet);
        double[] newCallers;
        double[] knownCallers;
        double[] putProfileObject;
        try {
            handlerAlone(handler, recorder, "warm-up", CALLERS); // other callers: the JIT's warm-up, not measured
            newCallers = handlerAlone(handler, recorder, "new", 0);
            knownCallers = handlerAlone(handler, recorder, "known", 0);
            putProfileObject = putProfileObject(put, recorder, "api", 0);
        } finally {
            System.setOut(console);
        }
        System.out.printf("  handler alone, new callers:   %6.0f records/s  %.2f DynamoDB calls per record%n", newCallers[0], newCallers[1]);
        System.out.printf("  handler alone, known callers: %6.0f records/s  %.2f DynamoDB calls per record%n", knownCallers[0], knownCallers[1]);
        System.out.printf("  the same records through PutProfileObject's handler, known callers: %6.0f records/s  %.2f calls  (consumer / API time per record: %.2fx)%n",
                putProfileObject[0], putProfileObject[1], putProfileObject[0] / knownCallers[0]);
        boolean pass = check("a known caller's contact record costs 2 DynamoDB calls", knownCallers[1] <= 2.0,
                String.format("%.2f calls per record", knownCallers[1]));

        progress("contact records through the local stream");
        try (LocalKinesis kinesis = LocalKinesis.startEmulator()) {
            String arn = kinesis.createStream("contact-records-benchmark", 2);
            System.setOut(quiet);
            KinesisEventSource source = KinesisEventSource.start(kinesis.client(), arn, "ContactRecordConsumer", handler, MAPPING);
            double throughput;
            double[] latencies;
            try {
                throughput = throughStream(kinesis.client(), source);
                latencies = writeToSearchable(kinesis.client(), source, read);
            } finally {
                source.close();
                System.setOut(console);
            }
            Arrays.sort(latencies);
            System.out.printf("  through the local stream:     %6.0f records/s  (%d records written with PutRecords, known callers, 2 shards)%n",
                    throughput, STREAMED);
            System.out.printf("  write to searchable, one record at a time: p50 %.1f ms  p99 %.1f ms  (%d records; the reader polls an idle shard every %d ms)%n",
                    percentile(latencies, 50), percentile(latencies, 99), LATENCY_SAMPLES, MAPPING.idlePoll().toMillis());
            pass &= check("write to searchable within a second", percentile(latencies, 99) < 1000,
                    String.format("p99 %.1f ms", percentile(latencies, 99)));
        }
        return pass;
    }

    static String phone(int caller) {
        return "+1312555" + String.format("%04d", caller);
    }

    /** One record per caller through the handler in batches; records per second and DynamoDB calls per record. */
    static double[] handlerAlone(ContactRecordStreamHandler handler, Recorder recorder, String round, int firstCaller) {
        List<byte[]> records = new ArrayList<>();
        for (int caller = firstCaller; caller < firstCaller + CALLERS; caller++) {
            records.add(ContactRecords.bytes(ContactRecords.voice(round + "-" + caller, phone(caller), "2026-12-05T10:00:00Z")));
        }
        recorder.requests.clear();
        long started = System.nanoTime();
        for (int i = 0; i < records.size(); i += BATCH) {
            KinesisEvent batch = ContactRecords.batch(records.subList(i, Math.min(records.size(), i + BATCH)).toArray(byte[][]::new));
            StreamsEventResponse response = handler.handleRequest(batch, TestContext.remaining(60_000));
            if (!response.getBatchItemFailures().isEmpty()) throw new IllegalStateException("a batch reported failures: " + round);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new double[] {records.size() / seconds, recorder.requests.size() / (double) records.size()};
    }

    /** The same kind of records, one PutProfileObject call each: what the consumer's time per record compares with. */
    static double[] putProfileObject(PutProfileObjectHandler put, Recorder recorder, String round, int firstCaller) {
        List<APIGatewayProxyRequestEvent> requests = new ArrayList<>();
        for (int caller = firstCaller; caller < firstCaller + CALLERS; caller++) {
            String record = new String(ContactRecords.bytes(ContactRecords.voice(round + "-" + caller, phone(caller), "2026-12-05T10:00:00Z")),
                    java.nio.charset.StandardCharsets.UTF_8);
            requests.add(request("PUT", PutProfileObjectHandler.RESOURCE, Json.write(Map.of("ObjectTypeName", "CTR", "Object", record))));
        }
        recorder.requests.clear();
        long started = System.nanoTime();
        for (APIGatewayProxyRequestEvent request : requests) {
            int status = put.handleRequest(request, null).getStatusCode();
            if (status != 200) throw new IllegalStateException("PutProfileObject answered " + status);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new double[] {requests.size() / seconds, recorder.requests.size() / (double) requests.size()};
    }

    /** Known callers' records written with PutRecords as fast as Kinesis takes them; records per second until read. */
    static double throughStream(KinesisClient kinesis, KinesisEventSource source) throws InterruptedException {
        String stream = source.streamArn().substring(source.streamArn().lastIndexOf('/') + 1);
        Map<String, String> last = new HashMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < STREAMED; i += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int j = i; j < Math.min(STREAMED, i + 500); j++) {
                String contact = "streamed-" + j;
                entries.add(PutRecordsRequestEntry.builder().partitionKey(contact)
                        .data(SdkBytes.fromByteArray(ContactRecords.bytes(ContactRecords.voice(contact, phone(j % CALLERS), "2026-12-05T11:00:00Z"))))
                        .build());
            }
            List<PutRecordsResultEntry> results = kinesis.putRecords(r -> r.streamName(stream).records(entries)).records();
            for (PutRecordsResultEntry result : results) {
                if (result.errorCode() != null) throw new IllegalStateException("PutRecords refused a record: " + result.errorCode());
                last.merge(result.shardId(), result.sequenceNumber(),
                        (a, b) -> new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b)) >= 0 ? a : b);
            }
        }
        for (Map.Entry<String, String> shard : last.entrySet()) {
            if (!source.awaitCheckpoint(shard.getKey(), shard.getValue(), java.time.Duration.ofMinutes(5))) {
                throw new IllegalStateException("the stream was not read within 5 minutes");
            }
        }
        return STREAMED / ((System.nanoTime() - started) / 1e9);
    }

    /** Per record: from PutRecord to SearchProfiles (by its contact id) finding the profile. */
    static double[] writeToSearchable(KinesisClient kinesis, KinesisEventSource source, ReadProfilesHandler read) throws InterruptedException {
        String stream = source.streamArn().substring(source.streamArn().lastIndexOf('/') + 1);
        double[] millis = new double[LATENCY_SAMPLES];
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            String contact = "timed-" + i;
            byte[] record = ContactRecords.bytes(ContactRecords.voice(contact, phone(i % CALLERS), "2026-12-05T12:00:00Z"));
            long started = System.nanoTime();
            PutRecordResponse put = kinesis.putRecord(r -> r.streamName(stream).partitionKey(contact).data(SdkBytes.fromByteArray(record)));
            if (!source.awaitCheckpoint(put.shardId(), put.sequenceNumber(), java.time.Duration.ofSeconds(30))) {
                throw new IllegalStateException("record " + contact + " was not read within 30 s");
            }
            APIGatewayProxyResponseEvent found = read.handleRequest(request("POST", ReadProfilesHandler.SEARCH_RESOURCE,
                    "{\"KeyName\":\"_ctrContactId\",\"Values\":[\"" + contact + "\"]}"), null);
            if (found.getStatusCode() != 200 || !found.getBody().contains("ProfileId")) {
                throw new IllegalStateException("record " + contact + " read but its profile is not found: " + found.getBody());
            }
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        return millis;
    }
}

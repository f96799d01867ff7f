package org.openprofiles.benchmark;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.openprofiles.benchmark.Harness.*;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.json.Json;
import org.openprofiles.service.Domains;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.config.ConfigReads;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cost per million requests, from one run: the request units each operation's DynamoDB calls would
 * be billed ({@link RequestUnits}), its handler's warm p50 as Lambda bills it at the configured
 * memory, its API Gateway request and its request log line; the storage of a profile of 10, 100 and
 * 1000 contact records; a month of a 1,000-seat contact centre. Run:
 * {@code mvn -B -q -DskipTests -pl benchmark -am package exec:java -Dexec.args=cost}.
 */
final class Cost {
    private Cost() {}

    // us-east-1 list prices as found on 2026-12-05 in stored copies of these pages (no free tier counted); check the current ones.
    /**
     * DynamoDB on-demand, Standard table class, per write and per read request unit, after the 50% cut of November 2024:
     * airbyte.com/data-engineering-resources/dynamodb-pricing (2025-07-21); units as aws.amazon.com/dynamodb/pricing/on-demand defines them.
     */
    static final double WRU = 0.625 / 1e6;
    static final double RRU = 0.125 / 1e6;
    /** DynamoDB storage per GB-month past the first 25 GB: aws.amazon.com/dynamodb/pricing ("from $0.25 per GB-month"). */
    static final double STORAGE_GB_MONTH = 0.25;
    /**
     * Point-in-time recovery (DataStack turns it on) per GB-month of the table, global secondary indexes not counted:
     * finops.com.py/services/dynamodb/backups; basis: docs.aws.amazon.com/amazondynamodb/latest/developerguide/Point-in-time-recovery.html.
     */
    static final double PITR_GB_MONTH = 0.20;
    /**
     * Lambda per GB-second, first tier, x86_64 (the stack sets no architecture) and arm64: cloudchipr.com/blog/aws-lambda-pricing
     * (2024); per request, and duration rounded up to 1 ms: aws.amazon.com/lambda/pricing.
     */
    static final double LAMBDA_GB_SECOND_X86 = 0.0000166667;
    static final double LAMBDA_GB_SECOND_ARM = 0.0000133334;
    static final double LAMBDA_REQUEST = 0.20 / 1e6;
    /**
     * API Gateway REST API, first 333 million requests a month: docs.aws.amazon.com/whitepapers/latest/
     * best-practices-api-gateway-private-apis-integration/cost-optimization.html (table 4).
     */
    static final double API_REQUEST = 3.50 / 1e6;
    /**
     * CloudWatch Logs ingestion, standard class (first tier for Lambda logs), per GB: the request log line, which also carries
     * the EMF metrics: hykell.com/kb/platform-specific-guides/aws-cloudwatch-logs-pricing; duckbillgroup.com/?p=9080 (tiers, May 2025).
     */
    static final double LOG_GB = 0.50;

    /** Every API function's memory: infra's ApiStack.function() sets memorySize(1024). */
    static final int MEMORY_MB = 1024;

    static final long GB = 1L << 30;

    /** Callers whose profiles hold {@link #HISTORY} contact records: the known callers, searched and listed. */
    static final int CALLERS = 100;
    static final int HISTORY = 10;

    /** Requests counted per operation (each to its own caller), averaged. */
    static final int COUNTED = CALLERS;

    /** A month of a 1,000-seat contact centre: the assumptions docs/performance.md states. */
    static final int SEATS = 1000;
    static final int CALLS_PER_SEAT_PER_DAY = 40;
    static final int WORKING_DAYS = 22;
    static final double NEW_CALLERS = 0.25;
    static final double RESENDS_PER_CALL = 1;
    static final double SEARCHES_PER_CALL = 1;
    static final double LISTS_PER_CALL = 1;
    /** The flow's "Get calculated attributes" block (routing on _frequent_caller), once per call; ListCalculatedAttributesForProfile not counted. */
    static final double CALCULATED_READS_PER_CALL = 1;
    /** Months of contact records kept: the example domain's DefaultExpirationDays (366) expires them after a year. */
    static final int MONTHS_KEPT = 12;

    /** One operation's requests through the counting client, averaged: units, DynamoDB Local's own figures, calls, log bytes. */
    record Counted(double rru, double wru, double localRead, double localWrite, double calls, double logBytes) {}

    /** What an operation costs per request: its counts and its handler's warm p50. */
    record Measured(String name, Counted counted, double p50) {
        long billedMillis() { return (long) Math.ceil(p50); }

        double gbSeconds() { return billedMillis() / 1000.0 * MEMORY_MB / 1024.0; }

        double dynamo() { return counted.rru() * RRU + counted.wru() * WRU; }

        double lambda(double perGbSecond) { return gbSeconds() * perGbSecond + LAMBDA_REQUEST; }

        double logs() { return counted.logBytes() / GB * LOG_GB; }

        double total(double perGbSecond) { return dynamo() + lambda(perGbSecond) + API_REQUEST + logs(); }
    }

    /** A profile of {@code records} contact records: what it adds to the table, and a known caller's put on it. */
    record Stored(int records, long items, long tableBytes, long indexBytes, Counted put) {
        long bytes() { return tableBytes + indexBytes; }

        /** Storage and point-in-time recovery, $ a month. */
        double monthly() { return bytes() * STORAGE_GB_MONTH / GB + tableBytes * PITR_GB_MONTH / GB; }
    }

    /** Bytes written to stdout (the request log Lambda would ship to CloudWatch Logs), discarded. */
    static final class LogBytes extends OutputStream {
        long bytes;

        @Override public void write(int b) { bytes++; }

        @Override public void write(byte[] b, int off, int len) { bytes += len; }
    }

    /** The handlers measured, over one DynamoDB client. */
    record Handlers(PutProfileObjectHandler put, ReadProfilesHandler read) {
        static Handlers over(DynamoDbClient client, String table) {
            Domains domains = new LiveDomains(new ConfigReads(client, table));
            ProfileStore store = new DynamoProfileStore(client, table, Clock.systemUTC());
            return new Handlers(new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC())),
                    new ReadProfilesHandler(new ProfileReadService(domains, store)));
        }
    }

    /** An operation: its name, the handler that serves it and its i-th request. */
    record Operation(String name, Function<Handlers, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> handler,
                     IntFunction<APIGatewayProxyRequestEvent> request) {}

    static void run(URI endpoint, String table) throws Exception {
        DynamoDbClient bare = client(endpoint, null);
        RequestUnits units = new RequestUnits(bare, table);
        Recorder recorder = new Recorder();
        Handlers setup = Handlers.over(bare, table);
        Handlers counting = Handlers.over(client(endpoint, units), table);
        Handlers timed = Handlers.over(client(endpoint, recorder), table);
        Map<String, Object> ctr = contactRecordTemplate();

        // The handlers' request log is counted, not kept (Lambda would ship it to CloudWatch Logs).
        PrintStream console = System.out;
        LogBytes log = new LogBytes();
        System.setOut(new PrintStream(log, false, StandardCharsets.UTF_8));
        List<Measured> rows = new ArrayList<>();
        List<Stored> stored = new ArrayList<>();
        try {
            progress("cost: " + CALLERS + " callers with " + HISTORY + " contact records each");
            List<String> profileIds = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                for (int k = 0; k < HISTORY; k++) ok(setup.put().handleRequest(contactRecord(ctr, "history-" + c + "-" + k, caller(c), 0), null));
                profileIds.add(LifecycleAtScale.holderOf(bare, table, caller(c)));
            }

            // The i-th request of each operation goes to its own caller (i modulo CALLERS): the counted ones each to a
            // profile of exactly HISTORY records. Timed requests come after them (i from COUNTED on: new callers, new contacts).
            List<Operation> operations = List.of(
                    new Operation("PutProfileObject, new caller", Handlers::put,
                            i -> contactRecord(ctr, "new-" + i, String.format("+1303%07d", i), 0)),
                    new Operation("PutProfileObject, known caller", Handlers::put,
                            i -> contactRecord(ctr, "known-" + i, caller(i % CALLERS), 0)),
                    new Operation("PutProfileObject, the same record re-sent", Handlers::put,
                            i -> contactRecord(ctr, "history-" + (i % CALLERS) + "-0", caller(i % CALLERS), i + 1)),
                    new Operation("SearchProfiles, the caller's phone", Handlers::read, i -> request("POST", ReadProfilesHandler.SEARCH_RESOURCE,
                            "{\"KeyName\":\"_phone\",\"Values\":[\"" + caller(i % CALLERS) + "\"]}")),
                    new Operation("ListProfileObjects, the caller's records", Handlers::read, i -> request("POST",
                            ReadProfilesHandler.OBJECTS_RESOURCE, "{\"ObjectTypeName\":\"CTR\",\"ProfileId\":\"" + profileIds.get(i % CALLERS) + "\"}")),
                    new Operation("GetCalculatedAttributeForProfile, _frequent_caller", Handlers::read,
                            i -> CalculatedAttributeReads.value(profileIds.get(i % CALLERS), "_frequent_caller")),
                    new Operation("ListCalculatedAttributesForProfile, every one", Handlers::read,
                            i -> CalculatedAttributeReads.values(profileIds.get(i % CALLERS))));
            List<Counted> counts = new ArrayList<>();
            for (Operation operation : operations) {
                progress("cost: counting " + operation.name());
                counts.add(count(units, log, operation.handler().apply(counting), operation.request()));
            }
            List<WarmRequests.Scenario> scenarios = new ArrayList<>();
            for (Operation operation : operations) {
                scenarios.add(new WarmRequests.Scenario(operation.name(), operation.handler().apply(timed),
                        i -> operation.request().apply(COUNTED + i), 2));
            }
            List<WarmRequests.Result> timings = WarmRequests.measureAll(scenarios, recorder, bare);
            for (int o = 0; o < operations.size(); o++) rows.add(new Measured(operations.get(o).name(), counts.get(o), timings.get(o).handlerP50()));

            // Storage: a profile of N contact records, by the bytes the table holds before and after; then a known caller's put on it.
            for (int n : LifecycleAtScale.PROFILE_SIZES) {
                progress("cost: storage of a profile of " + n + " contact records");
                String phone = String.format("+1404777%04d", n);
                long[] before = tableBytes(bare, table);
                for (int k = 0; k < n; k++) ok(setup.put().handleRequest(contactRecord(ctr, "stored-" + n + "-" + k, phone, 0), null));
                long[] after = tableBytes(bare, table);
                Counted put = count(units, log, counting.put(), i -> contactRecord(ctr, "stored-" + n + "-more-" + i, phone, 0));
                stored.add(new Stored(n, after[0] - before[0], after[1] - before[1], after[2] - before[2], put));
            }
        } finally {
            System.setOut(console);
        }
        print(rows, stored);
    }

    /** The i-th caller's phone, as stored (E.164). */
    static String caller(int i) {
        return String.format("+1212555%04d", i);
    }

    static void ok(APIGatewayProxyResponseEvent response) {
        if (response.getStatusCode() != 200) throw new IllegalStateException(response.getStatusCode() + ": " + response.getBody());
    }

    /** {@link #COUNTED} requests through the counting client, averaged. */
    static Counted count(RequestUnits units, LogBytes log, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                         IntFunction<APIGatewayProxyRequestEvent> request) {
        units.reset();
        long logBefore = log.bytes;
        for (int i = 0; i < COUNTED; i++) ok(handler.handleRequest(request.apply(i), null));
        if (units.failedCalls > 0) throw new IllegalStateException(units.failedCalls + " DynamoDB calls failed while counting");
        return new Counted(units.read / COUNTED, units.write / COUNTED, units.localRead / COUNTED, units.localWrite / COUNTED,
                (double) units.calls / COUNTED, (double) (log.bytes - logBefore) / COUNTED);
    }

    /**
     * What the table bills as storage: items, bytes of the items plus 100 each, bytes of the index
     * entries (projection ALL: the item) plus 100 each.
     */
    static long[] tableBytes(DynamoDbClient bare, String table) {
        long items = 0, itemBytes = 0, indexBytes = 0;
        for (var page : bare.scanPaginator(r -> r.tableName(table).consistentRead(true))) {
            for (Map<String, AttributeValue> item : page.items()) {
                items++;
                itemBytes += RequestUnits.size(item) + 100;
                if (RequestUnits.indexed(item)) indexBytes += RequestUnits.size(item) + 100;
            }
        }
        return new long[] {items, itemBytes, indexBytes};
    }

    /** The first contact record of the Kinesis event in events/streams/: a voice call as Amazon Connect streams it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> contactRecordTemplate() throws java.io.IOException {
        String event = Files.readString(CLASSES.resolve("../../../events/streams/contact-record-stream-voice-transfer-duplicate-poison.json")
                .normalize());
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) Json.parse(event)).get("Records")).get(0);
        String data = (String) ((Map<String, Object>) first.get("kinesis")).get("data");
        return (Map<String, Object>) Json.parse(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
    }

    /** That record for another contact and caller; {@code update} > 0 moves its LastUpdateTimestamp on by as many seconds. */
    static APIGatewayProxyRequestEvent contactRecord(Map<String, Object> template, String contactId, String phone, int update) {
        Map<String, Object> record = new LinkedHashMap<>(template);
        record.put("ContactId", contactId);
        record.put("CustomerEndpoint", Map.of("Address", phone, "Type", "TELEPHONE_NUMBER"));
        if (update > 0) {
            record.put("LastUpdateTimestamp", java.time.Instant.parse((String) template.get("LastUpdateTimestamp")).plusSeconds(update).toString());
        }
        return request("PUT", "/domains/{DomainName}/profiles/objects", Json.write(Map.of("ObjectTypeName", "CTR", "Object", Json.write(record))));
    }

    static void print(List<Measured> rows, List<Stored> stored) {
        System.out.println();
        System.out.println("== Cost per request: request units counted from the items each call touches (" + COUNTED
                + " requests each, averaged), warm handler p50 (" + WarmRequests.ITERATIONS + " requests), Lambda at " + MEMORY_MB + " MB ==");
        System.out.printf("%-44s %6s %7s %7s %15s %10s %8s %9s %9s%n", "operation", "calls", "RRU", "WRU", "Local RCU/WCU",
                "p50", "billed", "GB-s", "log bytes");
        for (Measured m : rows) {
            Counted c = m.counted();
            System.out.printf("%-44s %6.2f %7.2f %7.2f %7.2f/%-7.2f %7.3f ms %5d ms %9.4f %9.0f%n", m.name(), c.calls(), c.rru(), c.wru(),
                    c.localRead(), c.localWrite(), m.p50(), m.billedMillis(), m.gbSeconds(), c.logBytes());
        }
        System.out.println();
        System.out.println("== $ per million requests, us-east-1 list prices (docs/performance.md) ==");
        System.out.printf("%-44s %9s %11s %9s %9s %11s %12s%n", "operation", "DynamoDB", "Lambda x86", "API GW", "logs", "total x86",
                "total arm64");
        for (Measured m : rows) {
            System.out.printf("%-44s %9.2f %11.2f %9.2f %9.2f %11.2f %12.2f%n", m.name(), m.dynamo() * 1e6, m.lambda(LAMBDA_GB_SECOND_X86) * 1e6,
                    API_REQUEST * 1e6, m.logs() * 1e6, m.total(LAMBDA_GB_SECOND_X86) * 1e6, m.total(LAMBDA_GB_SECOND_ARM) * 1e6);
        }

        System.out.println();
        System.out.println("== Storage of one profile of N contact records (items + 100 B each; index entries, projection ALL, + 100 B each); "
                + "$ a month for storage and point-in-time recovery ==");
        System.out.printf("%8s %7s %12s %12s %11s %18s %16s%n", "records", "items", "table bytes", "index bytes", "per record",
                "$/month per 1,000", "a put: RRU/WRU");
        for (Stored s : stored) {
            System.out.printf("%8d %7d %12d %12d %11.0f %18.4f %9.2f/%.2f%n", s.records(), s.items(), s.tableBytes(), s.indexBytes(),
                    (double) s.bytes() / s.records(), 1000 * s.monthly(), s.put().rru(), s.put().wru());
        }

        // A month: every call's contact record (a share from new callers), re-sent; a search and a list by the agent's screen.
        double calls = (double) SEATS * CALLS_PER_SEAT_PER_DAY * WORKING_DAYS;
        double[] perMonth = {calls * NEW_CALLERS, calls * (1 - NEW_CALLERS), calls * RESENDS_PER_CALL, calls * SEARCHES_PER_CALL,
                calls * LISTS_PER_CALL, calls * CALCULATED_READS_PER_CALL, 0};
        System.out.println();
        System.out.printf("== A month of a %,d-seat contact centre: %d calls a seat a day, %d days (%,.0f calls), %.0f%% from new callers; "
                + "per call %.0f re-send, %.0f SearchProfiles, %.0f ListProfileObjects, %.0f GetCalculatedAttributeForProfile ==%n", SEATS,
                CALLS_PER_SEAT_PER_DAY, WORKING_DAYS, calls, NEW_CALLERS * 100, RESENDS_PER_CALL, SEARCHES_PER_CALL, LISTS_PER_CALL,
                CALCULATED_READS_PER_CALL);
        double requests = 0, dynamo = 0, lambda = 0, api = 0, logs = 0;
        for (int o = 0; o < rows.size(); o++) {
            Measured m = rows.get(o);
            if (perMonth[o] == 0) continue;
            System.out.printf("%-44s %,11.0f requests  $%.2f%n", m.name(), perMonth[o], perMonth[o] * m.total(LAMBDA_GB_SECOND_X86));
            requests += perMonth[o];
            dynamo += perMonth[o] * m.dynamo();
            lambda += perMonth[o] * m.lambda(LAMBDA_GB_SECOND_X86);
            api += perMonth[o] * API_REQUEST;
            logs += perMonth[o] * m.logs();
        }
        // Storage: what each record adds (between the smallest and the largest profile), and the rest of the smallest: a profile's own.
        Stored small = stored.get(0), large = stored.get(stored.size() - 1);
        int between = large.records() - small.records();
        double recordBytes = (large.bytes() - small.bytes()) / (double) between;
        double recordDollars = (large.monthly() - small.monthly()) / between;
        double profileBytes = small.bytes() - small.records() * recordBytes;
        double profileDollars = small.monthly() - small.records() * recordDollars;
        double monthBytes = calls * recordBytes + perMonth[0] * profileBytes;
        double monthDollars = calls * recordDollars + perMonth[0] * profileDollars;
        System.out.printf("%,.0f requests: DynamoDB $%.2f, Lambda (x86) $%.2f, API Gateway $%.2f, CloudWatch Logs $%.2f: $%.2f a month%n",
                requests, dynamo, lambda, api, logs, dynamo + lambda + api + logs);
        System.out.printf("storage: %.0f bytes per contact record, %.0f per new profile besides: %.2f GB more a month; "
                + "%.1f GB once %d months are kept: $%.2f a month with point-in-time recovery%n", recordBytes, profileBytes, monthBytes / GB,
                MONTHS_KEPT * monthBytes / GB, MONTHS_KEPT, MONTHS_KEPT * monthDollars);
    }
}

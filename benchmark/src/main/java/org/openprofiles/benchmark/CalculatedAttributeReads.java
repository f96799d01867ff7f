package org.openprofiles.benchmark;

import static org.openprofiles.benchmark.Harness.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Calculated attribute reads: GetCalculatedAttributeForProfile ({@code _frequent_caller}, a COUNT over every contact
 * record of the profile) on profiles of 10, 100 and 1,000 records, beside ListProfileObjects of the same records (every
 * page of 100); BatchGetCalculatedAttributeForProfile of 100 profiles. DynamoDB calls per request and latency, against
 * DynamoDB Local. Targets: at most 3 calls for a profile of 100 objects; a BatchGet of 100 profiles under 1 s.
 */
final class CalculatedAttributeReads {
    static final int[] PROFILE_SIZES = {10, 100, 1000};
    static final int ITERATIONS = Integer.getInteger("calculated.iterations", 50);
    static final int BATCH_PROFILES = 100;

    private CalculatedAttributeReads() {}

    /** Counts DynamoDB requests from any thread (the BatchGet reads profiles in parallel). */
    static final class Counter implements ExecutionInterceptor {
        final AtomicInteger requests = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            requests.incrementAndGet();
        }
    }

    static boolean run(URI endpoint, String table, java.io.PrintStream console, java.io.PrintStream quiet) {
        Counter counter = new Counter();
        DynamoDbClient counted = client(endpoint, counter);
        DynamoDbClient bare = client(endpoint, null);
        LiveDomains domains = new LiveDomains(new ConfigReads(counted, table));
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(domains, new DynamoProfileStore(counted, table, Clock.systemUTC())));
        LiveDomains bareDomains = new LiveDomains(new ConfigReads(bare, table));
        PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(bareDomains,
                new DynamoProfileStore(bare, table, Clock.systemUTC()), Clock.systemUTC()));
        boolean pass = true;
        List<String> rows = new ArrayList<>();
        System.setOut(quiet);
        try {
            for (int n : PROFILE_SIZES) {
                String phone = String.format("+1312555%04d", n);
                for (int k = 0; k < n; k++) put.handleRequest(putCtr("calc" + n + "-" + k, phone), null);
                String profileId = LifecycleAtScale.holderOf(bare, table, phone);
                Measured get = measure(counter, () -> read.handleRequest(value(profileId, "_frequent_caller"), null), ITERATIONS);
                Measured list = measure(counter, () -> listAll(read, profileId), ITERATIONS);
                rows.add(String.format("%-34s %7d %6d %9.1f ms %9.1f ms", "GetCalculatedAttributeForProfile", n, get.calls, get.p50, get.p99));
                rows.add(String.format("%-34s %7d %6d %9.1f ms %9.1f ms", "ListProfileObjects, every page", n, list.calls, list.p50, list.p99));
                if (n == 100) pass &= check("GetCalculatedAttributeForProfile of 100 objects in at most 3 DynamoDB calls", get.calls <= 3,
                        get.calls + " calls");
            }
            List<String> ids = new ArrayList<>();
            for (int p = 0; p < BATCH_PROFILES; p++) {
                String phone = String.format("+1773555%04d", p);
                for (int k = 0; k < 10; k++) put.handleRequest(putCtr("batch" + p + "-" + k, phone), null);
                ids.add(LifecycleAtScale.holderOf(bare, table, phone));
            }
            String body = "{\"ProfileIds\":[\"" + String.join("\",\"", ids) + "\"]}";
            Measured batch = measure(counter, () -> read.handleRequest(batch("_frequent_caller", body), null), Math.max(5, ITERATIONS / 5));
            rows.add(String.format("%-34s %7s %6d %9.1f ms %9.1f ms", "BatchGet, 100 profiles of 10", "1,000", batch.calls, batch.p50, batch.p99));
            pass &= check("BatchGetCalculatedAttributeForProfile of 100 profiles under 1 s", batch.p99 < 1000,
                    String.format("p99 %.0f ms", batch.p99));
        } finally {
            System.setOut(console);
        }
        System.out.println();
        System.out.println("== Calculated attribute reads (a COUNT over every contact record of the profile) ==");
        System.out.printf("%-34s %7s %6s %12s %12s%n", "request", "objects", "calls", "p50", "p99");
        rows.forEach(System.out::println);
        return pass;
    }

    record Measured(int calls, double p50, double p99) {}

    /** Warm-up, then {@code iterations} timed runs; the calls of the last run. */
    static Measured measure(Counter counter, Runnable request, int iterations) {
        for (int i = 0; i < 5; i++) request.run();
        double[] millis = new double[iterations];
        int calls = 0;
        for (int i = 0; i < iterations; i++) {
            counter.requests.set(0);
            long t0 = System.nanoTime();
            request.run();
            millis[i] = (System.nanoTime() - t0) / 1e6;
            calls = counter.requests.get();
        }
        Arrays.sort(millis);
        return new Measured(calls, percentile(millis, 50), percentile(millis, 99));
    }

    /** ListProfileObjects of every record, 100 per page. */
    static void listAll(ReadProfilesHandler read, String profileId) {
        String token = null;
        do {
            APIGatewayProxyRequestEvent event = request("POST", ReadProfilesHandler.OBJECTS_RESOURCE,
                    "{\"ObjectTypeName\":\"CTR\",\"ProfileId\":\"" + profileId + "\"}")
                    .withQueryStringParameters(token == null ? Map.of("max-results", "100") : Map.of("max-results", "100", "next-token", token));
            APIGatewayProxyResponseEvent response = read.handleRequest(event, null);
            Object next = ((Map<?, ?>) org.openprofiles.json.Json.parse(response.getBody())).get("NextToken");
            token = next instanceof String s ? s : null;
        } while (token != null);
    }

    static APIGatewayProxyRequestEvent value(String profileId, String name) {
        return new APIGatewayProxyRequestEvent().withHttpMethod("GET")
                .withResource(ReadProfilesHandler.CALCULATED_VALUE_ROUTES.get(0).get(1))
                .withPathParameters(Map.of("DomainName", DOMAIN, "ProfileId", profileId, "CalculatedAttributeName", name));
    }

    static APIGatewayProxyRequestEvent values(String profileId) {
        return new APIGatewayProxyRequestEvent().withHttpMethod("GET")
                .withResource(ReadProfilesHandler.CALCULATED_VALUE_ROUTES.get(1).get(1))
                .withPathParameters(Map.of("DomainName", DOMAIN, "ProfileId", profileId));
    }

    static APIGatewayProxyRequestEvent batch(String name, String body) {
        return new APIGatewayProxyRequestEvent().withHttpMethod("POST")
                .withResource(ReadProfilesHandler.CALCULATED_VALUE_ROUTES.get(2).get(1))
                .withPathParameters(Map.of("DomainName", DOMAIN, "CalculatedAttributeName", name)).withBody(body);
    }
}

package org.openprofiles.benchmark;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.openprofiles.store.table.DynamoDbClients;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** What every part of the benchmark shares: the clients, the request builders, the bare replay, percentiles, progress and verdicts. */
final class Harness {
    private Harness() {}

    static final String DOMAIN = "ExampleDomainName";

    /** benchmark/target/classes, wherever the command was run from. */
    static final Path CLASSES = classes();

    static final Path JAR = CLASSES.resolve("../../../functions/target/functions-0.1.0-SNAPSHOT-lambda.jar").normalize();

    static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");

    /** Records every DynamoDB request a handler makes. */
    static final class Recorder implements ExecutionInterceptor {
        final List<SdkRequest> requests = new ArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            requests.add(context.request());
        }
    }

    static final long STARTED = System.nanoTime();

    /** What the run is doing, on stderr (stdout holds the figures): a full run takes about 20 minutes. */
    static void progress(String what) {
        long seconds = (System.nanoTime() - STARTED) / 1_000_000_000L;
        System.err.printf("[%02d:%02d] %s%n", seconds / 60, seconds % 60, what);
    }

    /** Where each run's figures are written besides stdout, for docs/performance.md to quote: full.txt, contention.txt, ... */
    static final Path RESULTS = CLASSES.resolve("../../results").normalize();

    /**
     * The JVMs cold starts are measured on: the one running the benchmark, and Temurin 25 (the
     * deployed Lambda runtime is Java 25) when it is installed under /usr/lib/jvm or JAVA25_HOME.
     */
    static List<Path> javaHomes() {
        List<Path> homes = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        String configured = System.getenv("JAVA25_HOME");
        Path java25 = configured != null ? Path.of(configured) : Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        if (Files.isExecutable(java25.resolve("bin/java")) && !homes.contains(java25)) homes.add(java25);
        return homes;
    }

    static Path classes() {
        try {
            return Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean check(String what, boolean ok, String detail) {
        if (!ok) System.out.println("  MISSED: " + what + " (" + detail + ")");
        return ok;
    }

    /** A client of the functions' kind against {@code endpoint}, with {@code interceptor} (a {@link Recorder}, ...) or none. */
    static DynamoDbClient client(URI endpoint, ExecutionInterceptor interceptor) {
        return DynamoDbClients.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .overrideConfiguration(c -> {
                    if (interceptor != null) c.addExecutionInterceptor(interceptor);
                })
                .build();
    }

    static APIGatewayProxyRequestEvent request(String method, String resource, String body) {
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withResource(resource)
                .withPathParameters(Map.of("DomainName", DOMAIN)).withBody(body);
    }

    static APIGatewayProxyRequestEvent admin(String method, String resource, String domain, String type, String body) {
        Map<String, String> parameters = new java.util.HashMap<>();
        if (domain != null) parameters.put("DomainName", domain);
        if (type != null) parameters.put("ObjectTypeName", type);
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withResource(resource).withPathParameters(parameters).withBody(body);
    }

    static APIGatewayProxyRequestEvent putCtr(String contactId, String phone) {
        String object = "{\\\"contactId\\\":\\\"" + contactId + "\\\",\\\"channel\\\":\\\"VOICE\\\",\\\"customerEndpoint\\\":{\\\"address\\\":\\\""
                + phone + "\\\",\\\"type\\\":\\\"TELEPHONE_NUMBER\\\"}}";
        return request("PUT", "/domains/{DomainName}/profiles/objects", "{\"ObjectTypeName\":\"CTR\",\"Object\":\"" + object + "\"}");
    }

    static double percentile(double[] sorted, int p) {
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /**
     * The same call issued bare. A transaction's conditions are made always true (same names and
     * values, same evaluation), since the handler's call already changed what they guard.
     */
    static void replay(DynamoDbClient client, SdkRequest request) {
        if (request instanceof BatchGetItemRequest r) {
            client.batchGetItem(r);
        } else if (request instanceof QueryRequest r) {
            client.query(r);
        } else if (request instanceof GetItemRequest r) {
            client.getItem(r);
        } else if (request instanceof PutItemRequest r) {
            client.putItem(r.conditionExpression() == null ? r : r.toBuilder().conditionExpression(tautology(r.conditionExpression())).build());
        } else if (request instanceof UpdateItemRequest r) {
            client.updateItem(r.conditionExpression() == null ? r : r.toBuilder().conditionExpression(tautology(r.conditionExpression())).build());
        } else if (request instanceof BatchWriteItemRequest r) {
            client.batchWriteItem(r);
        } else if (request instanceof TransactWriteItemsRequest r) {
            // A fresh token: the handler's own token with other conditions would be an IdempotentParameterMismatch.
            client.transactWriteItems(r.toBuilder().clientRequestToken(null)
                    .transactItems(r.transactItems().stream().map(Harness::alwaysTrue).toList()).build());
        } else {
            throw new IllegalStateException("no bare replay for " + request.getClass().getSimpleName());
        }
    }

    static TransactWriteItem alwaysTrue(TransactWriteItem item) {
        if (item.put() != null && item.put().conditionExpression() != null) {
            Put p = item.put();
            return item.toBuilder().put(p.toBuilder().conditionExpression(tautology(p.conditionExpression())).build()).build();
        }
        if (item.update() != null && item.update().conditionExpression() != null) {
            Update u = item.update();
            return item.toBuilder().update(u.toBuilder().conditionExpression(tautology(u.conditionExpression())).build()).build();
        }
        if (item.delete() != null && item.delete().conditionExpression() != null) {
            Delete d = item.delete();
            return item.toBuilder().delete(d.toBuilder().conditionExpression(tautology(d.conditionExpression())).build()).build();
        }
        if (item.conditionCheck() != null) {
            ConditionCheck c = item.conditionCheck();
            return item.toBuilder().conditionCheck(c.toBuilder().conditionExpression(tautology(c.conditionExpression())).build()).build();
        }
        return item;
    }

    static String tautology(String condition) {
        String c = enclosed(condition) ? condition : "(" + condition + ")";
        return c + " OR NOT " + c; // DynamoDB refuses redundant parentheses: a condition already enclosed is not wrapped again
    }

    /** Whether one pair of parentheses encloses the whole expression. */
    static boolean enclosed(String expression) {
        if (!expression.startsWith("(") || !expression.endsWith(")")) return false;
        int depth = 0;
        for (int i = 0; i < expression.length(); i++) {
            if (expression.charAt(i) == '(') depth++;
            if (expression.charAt(i) == ')') depth--;
            if (depth == 0 && i < expression.length() - 1) return false;
        }
        return true;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** From now on, what the run prints also goes to {@code file} (the figures docs/performance.md quotes). */
    static void teeTo(Path file) throws java.io.IOException {
        Files.createDirectories(file.getParent());
        java.io.OutputStream copy = Files.newOutputStream(file);
        java.io.PrintStream terminal = System.out;
        System.setOut(new java.io.PrintStream(new java.io.OutputStream() {
            @Override public void write(int b) throws java.io.IOException { terminal.write(b); copy.write(b); }
            @Override public void write(byte[] b, int off, int len) throws java.io.IOException { terminal.write(b, off, len); copy.write(b, off, len); }
            @Override public void flush() throws java.io.IOException { terminal.flush(); copy.flush(); }
        }, true, StandardCharsets.UTF_8));
    }
}

package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** One in-memory DynamoDB Local server per test JVM, and SDK clients as the tests need them. */
final class TestDynamo {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static URI endpoint;
    private static DynamoDbClient direct;

    private TestDynamo() {}

    static synchronized URI upstream() {
        if (endpoint != null) return endpoint;
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
            server.start();
            endpoint = URI.create("http://127.0.0.1:" + port);
            return endpoint;
        } catch (IOException e) {
            throw new IllegalStateException("could not pick a port for DynamoDB Local", e);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
    }

    /** A client straight to DynamoDB Local: what really committed. */
    static synchronized DynamoDbClient direct() {
        if (direct == null) direct = client(upstream(), AwsRetryStrategy.doNotRetry(), Duration.ofSeconds(5));
        return direct;
    }

    /** The production configuration of the service (DynamoDbClients): standard retries, 3 attempts. */
    static RetryStrategy productionRetries() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build();
    }

    /** A client at {@code endpoint}; {@code retries} null keeps the SDK's default retry strategy for DynamoDB. */
    static DynamoDbClient client(URI endpoint, RetryStrategy retries, Duration socketTimeout, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(socketTimeout)
                        .build())
                .overrideConfiguration(c -> {
                    if (retries != null) c.retryStrategy(retries); // null: the SDK's default for DynamoDB
                    for (ExecutionInterceptor interceptor : interceptors) c.addExecutionInterceptor(interceptor);
                })
                .build();
    }

    /** A proxy with no rules in front of this JVM's DynamoDB Local, on a free port. */
    static ProductionLikeDynamo proxy() {
        return ProductionLikeDynamo.start(upstream(), 0, Rules.none());
    }

    /** A client through {@code proxy} that never retries: each call is one attempt. */
    static DynamoDbClient noRetries(ProductionLikeDynamo proxy, Duration socketTimeout, ExecutionInterceptor... interceptors) {
        return client(proxy.endpoint(), AwsRetryStrategy.doNotRetry(), socketTimeout, interceptors);
    }

    /** A client through {@code proxy} with {@link #productionRetries()}, its attempts counted in {@code attempts}. */
    static DynamoDbClient production(ProductionLikeDynamo proxy, Duration socketTimeout, Attempts attempts) {
        return client(proxy.endpoint(), productionRetries(), socketTimeout, attempts);
    }

    /** Puts {@link #item(String, String) item(pk, value)} for each of {@code pks} into {@code table}, through {@code client}. */
    static void putItems(DynamoDbClient client, String table, String value, String... pks) {
        for (String pk : pks) client.putItem(b -> b.tableName(table).item(item(pk, value)));
    }

    /** A new table keyed by pk (S) and sk (S). */
    static String newTable() {
        String name = "prodlike-" + TABLES.incrementAndGet();
        direct().createTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build()));
        return name;
    }

    static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("s"));
    }

    static Map<String, AttributeValue> item(String pk, String value) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("s"), "v", AttributeValue.fromS(value));
    }

    static boolean exists(String table, String pk) {
        return direct().getItem(b -> b.tableName(table).key(key(pk)).consistentRead(true)).hasItem();
    }

    /**
     * A test class with its own {@link #proxy} (no rules) in front of DynamoDB Local and a {@link #pool}
     * for calls in the background, started before the class's tests and closed after them; before each
     * test, a new {@link #table} (see {@link #newTable()}) and the proxy's rules and stats reset. A
     * subclass's own {@code @BeforeAll} and {@code @BeforeEach} run after these: there it makes its
     * clients and sets the rules its tests start from. Test classes run one at a time (JUnit's default),
     * so the one static proxy is one class's at a time.
     */
    abstract static class WithProxy {
        static ProductionLikeDynamo proxy;
        static ExecutorService pool;
        String table;

        @BeforeAll
        static void startProxy() {
            if (proxy != null) throw new IllegalStateException("another test class's proxy is still open: run test classes one at a time");
            proxy = TestDynamo.proxy();
            pool = Executors.newCachedThreadPool();
        }

        @AfterAll
        static void closeProxy() {
            pool.shutdownNow();
            proxy.close();
            proxy = null;
        }

        @BeforeEach
        void freshTable() {
            table = newTable();
            proxy.rules(Rules.none());
            proxy.resetStats();
        }

        /** Starts a transaction through {@code client} in the background and returns once it holds its items. */
        static Future<?> inFlight(DynamoDbClient client, TransactWriteItem... actions) throws InterruptedException {
            int before = proxy.transactionsInFlight();
            Future<?> running = pool.submit(() -> client.transactWriteItems(b -> b.transactItems(actions)));
            assertTrue(proxy.awaitTransactionsInFlight(before + 1, Duration.ofSeconds(5)), "the transaction is in flight");
            return running;
        }
    }

    /** Counts the SDK's attempts (each HTTP request the SDK itself sends). */
    static final class Attempts implements ExecutionInterceptor {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            count.incrementAndGet();
        }
    }
}

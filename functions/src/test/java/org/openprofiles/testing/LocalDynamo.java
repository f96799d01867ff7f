package org.openprofiles.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One in-memory DynamoDB Local server per test JVM, reached over HTTP by a real SDK client (the
 * same path as in Lambda). Each test class gets its own fresh table.
 */
public final class LocalDynamo {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static URI endpoint;
    private static DynamoDbClient client;

    private LocalDynamo() {}

    public static synchronized DynamoDbClient client() {
        if (client == null) client = client(List.of());
        return client;
    }

    /** A client with interceptors (fault injection, call counting). */
    public static synchronized DynamoDbClient client(List<ExecutionInterceptor> interceptors) {
        start();
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> interceptors.forEach(c::addExecutionInterceptor))
                .build();
    }

    /** The DynamoDB Local server's endpoint. */
    public static synchronized URI endpoint() {
        start();
        return endpoint;
    }

    /** Creates a new, empty table in the store's shape and returns its name. */
    public static String newTable() {
        String name = "test-" + TABLES.incrementAndGet();
        client().createTable(ProfilesTable.createTableRequest(name));
        return name;
    }

    private static void start() {
        if (endpoint != null) return;
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
            server.start();
            endpoint = URI.create("http://127.0.0.1:" + port);
        } catch (IOException e) {
            throw new IllegalStateException("could not pick a port for DynamoDB Local", e);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
    }
}

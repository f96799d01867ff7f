package org.openprofiles.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.store.table.DynamoDbClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * DynamoDB as production behaves, for concurrency and fault tests: the test JVM's DynamoDB Local
 * behind {@link ProductionLikeDynamo}, reached by a client built exactly as the functions build
 * theirs (same retries, timeouts, HTTP client). Each test sets the rules it needs.
 */
public final class ProductionLike {
    private static ProductionLikeDynamo proxy;
    private static DynamoDbClient client;
    private static final Map<String, DynamoDbClient> ROLE_CLIENTS = new HashMap<>();

    private ProductionLike() {}

    /** The proxy, its rules reset to {@code rules} and its counters to zero. */
    public static synchronized ProductionLikeDynamo proxy(Rules rules) {
        if (proxy == null) {
            proxy = ProductionLikeDynamo.start(LocalDynamo.endpoint(), 0, rules);
            proxy.checkAccess(FunctionRoles::allows);
            client = clientFor(proxy.endpoint());
        }
        proxy.rules(rules);
        proxy.resetStats();
        return proxy;
    }

    /** The functions' own client configuration, pointed at the proxy. */
    public static synchronized DynamoDbClient client() {
        if (proxy == null) throw new IllegalStateException("call proxy(rules) first");
        return client;
    }

    /**
     * The functions' own client configuration, pointed at the proxy, its calls made in one function's role
     * ({@link FunctionRoles}): the proxy denies what that function's IAM role would.
     */
    public static synchronized DynamoDbClient clientAs(String role) {
        if (proxy == null) throw new IllegalStateException("call proxy(rules) first");
        return ROLE_CLIENTS.computeIfAbsent(role, r -> {
            DynamoDbClientBuilder builder = builder(proxy.endpoint());
            return builder.overrideConfiguration(builder.overrideConfiguration().toBuilder()
                    .addExecutionInterceptor(FunctionRoles.header(r)).build()).build();
        });
    }

    public static DynamoDbClient clientFor(URI endpoint) {
        return builder(endpoint).build();
    }

    private static DynamoDbClientBuilder builder(URI endpoint) {
        return DynamoDbClients.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    }
}

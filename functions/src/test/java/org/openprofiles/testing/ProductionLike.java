package org.openprofiles.testing;

import java.net.URI;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.store.table.DynamoDbClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB as production behaves, for concurrency and fault tests: the test JVM's DynamoDB Local
 * behind {@link ProductionLikeDynamo}, reached by a client built exactly as the functions build
 * theirs (same retries, timeouts, HTTP client). Each test sets the rules it needs.
 */
public final class ProductionLike {
    private static ProductionLikeDynamo proxy;
    private static DynamoDbClient client;

    private ProductionLike() {}

    /** The proxy, its rules reset to {@code rules} and its counters to zero. */
    public static synchronized ProductionLikeDynamo proxy(Rules rules) {
        if (proxy == null) {
            proxy = ProductionLikeDynamo.start(LocalDynamo.endpoint(), 0, rules);
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

    public static DynamoDbClient clientFor(URI endpoint) {
        return DynamoDbClients.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }
}

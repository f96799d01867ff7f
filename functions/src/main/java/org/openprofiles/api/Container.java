package org.openprofiles.api;

import java.time.Clock;
import java.net.URI;
import java.time.Duration;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfilesTable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * What a Lambda container builds once, at init, and shares across requests: the DynamoDB client
 * (the most expensive object to build), the store and the domain configuration.
 */
final class Container {
    /**
     * The client's whole call (retries included) must end well inside the function's timeout, so
     * a slow table becomes a clean 500 rather than a Lambda timeout.
     */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(4);
    /** The functions' timeout as the CDK stack sets it; kept here so a test can hold the two apart. */
    public static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(15);

    private static final DynamoDbClient DYNAMO = newDynamoDbClient(null);
    private static final Domains DOMAINS = new Domains(DomainLoader.loadFromClasspath());
    private static final ProfileStore STORE = new ProfileStore(DYNAMO, ProfilesTable.tableName(), Clock.systemUTC());

    private Container() {}

    /** @param endpoint where DynamoDB is, or null for the region's endpoint (or AWS_ENDPOINT_URL_DYNAMODB) */
    static DynamoDbClient newDynamoDbClient(URI endpoint) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(ATTEMPT_TIMEOUT)
                        .build())
                .credentialsProvider(credentials())
                .overrideConfiguration(c -> c.apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT));
        if (endpoint != null) builder.endpointOverride(endpoint);
        return builder.build();
    }

    /** Lambda puts credentials in the environment; reading them there skips the provider chain's probing. */
    private static AwsCredentialsProvider credentials() {
        return System.getenv("AWS_ACCESS_KEY_ID") != null
                ? EnvironmentVariableCredentialsProvider.create()
                : DefaultCredentialsProvider.builder().build();
    }

    static PutProfileObjectService putProfileObjectService() {
        return new PutProfileObjectService(DOMAINS, STORE, Clock.systemUTC());
    }

    static AddProfileKeyService addProfileKeyService() {
        return new AddProfileKeyService(DOMAINS, STORE);
    }

    static ProfileReadService profileReadService() {
        return new ProfileReadService(DOMAINS, STORE);
    }
}

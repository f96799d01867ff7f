package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.DynamoDbClients;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfilesTable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a Lambda container builds once, at init, and shares across requests: the DynamoDB client
 * (the most expensive object to build), the store and the domain configuration.
 */
final class Container {
    private static final DynamoDbClient DYNAMO = DynamoDbClients.builder().credentialsProvider(credentials()).build();
    private static final Domains DOMAINS = new Domains(DomainLoader.loadFromClasspath());
    private static final ProfileStore STORE = new ProfileStore(DYNAMO, ProfilesTable.tableName(), Clock.systemUTC());

    private Container() {}

    /** Lambda puts credentials in the environment; reading them there skips the provider chain's probing. */
    private static AwsCredentialsProvider credentials() {
        return System.getenv("AWS_ACCESS_KEY_ID") != null
                ? EnvironmentVariableCredentialsProvider.create()
                : DefaultCredentialsProvider.builder().build();
    }

    /** A request to the first configured domain, for priming: it reads at most, never writes. */
    static APIGatewayProxyRequestEvent primingEvent(String method, String resource, String body) {
        String domain = DOMAINS.byName().keySet().stream().sorted().findFirst().orElse("none");
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withResource(resource)
                .withPathParameters(Map.of("DomainName", domain)).withBody(body)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("snapstart-priming"));
    }

    /** One BatchGetItem of items that do not exist: loads the SDK's read path and opens the connection. */
    static void primeStoreRead() {
        STORE.read("_priming", List.of(new KeyValue("_priming", "_priming")), "_priming", "_priming");
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

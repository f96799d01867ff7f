package org.openprofiles.api;

import java.time.Clock;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.DomainStore;
import org.openprofiles.store.DynamoDbClients;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfilesTable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a Lambda container builds once, at init, and shares across requests: the DynamoDB client
 * (the most expensive object to build), the store and the domain configuration (one read of the
 * item the data stack deployed).
 */
final class Container {
    private static final DynamoDbClient DYNAMO = DynamoDbClients.builder().credentialsProvider(credentials()).build();
    /** Read once, at init (before a SnapStart snapshot): no request ever reads configuration. */
    private static final Domains DOMAINS = new Domains(DomainLoader.parseAll(new DomainStore(DYNAMO, ProfilesTable.tableName()).load()));
    private static final ProfileStore STORE = new ProfileStore(DYNAMO, ProfilesTable.tableName(), Clock.systemUTC());

    private Container() {}

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

    static org.openprofiles.service.ProfileLifecycleService profileLifecycleService() {
        return new org.openprofiles.service.ProfileLifecycleService(DOMAINS, STORE);
    }

    static ProfileReadService profileReadService() {
        return new ProfileReadService(DOMAINS, STORE);
    }
}

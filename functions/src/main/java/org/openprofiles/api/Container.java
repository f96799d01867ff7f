package org.openprofiles.api;

import java.time.Clock;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.EventStreamService;
import org.openprofiles.export.Exporter;
import org.openprofiles.export.KinesisClients;
import org.openprofiles.export.KinesisDestinations;
import org.openprofiles.export.KinesisEventSink;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.DataEraser;
import org.openprofiles.store.config.ErasureLedger;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * What a Lambda container builds once, at init, and shares across requests: the DynamoDB client
 * (the most expensive object to build), the stores, and the domain configuration cache (filled on
 * first use, checked against the table on every request: docs/data-model.md).
 */
final class Container {
    private static final DynamoDbClient DYNAMO = DynamoDbClients.builder().credentialsProvider(credentials()).build();
    private static final ConfigReads CONFIG = new ConfigReads(DYNAMO, ProfilesTable.tableName());
    private static final Domains DOMAINS = new LiveDomains(CONFIG);
    private static final ProfileStore STORE = new DynamoProfileStore(DYNAMO, ProfilesTable.tableName(), Clock.systemUTC());

    private Container() {}

    /** Lambda puts credentials in the environment; reading them there skips the provider chain's probing. */
    private static AwsCredentialsProvider credentials() {
        return System.getenv("AWS_ACCESS_KEY_ID") != null
                ? EnvironmentVariableCredentialsProvider.create()
                : DefaultCredentialsProvider.builder().build();
    }

    static Domains domains() {
        return DOMAINS;
    }

    static PutProfileObjectService putProfileObjectService() {
        return new PutProfileObjectService(DOMAINS, STORE, Clock.systemUTC());
    }

    /**
     * The contact-record stream's consumer.
     *
     * @param domain     the domain records are stored in ({@link ContactRecordStreamHandler#DOMAIN_ENV}: required)
     * @param objectType their object type, or null for the CTR templates' type name
     */
    static ContactRecordService contactRecordService(String domain, String objectType) {
        if (domain == null || domain.isBlank()) {
            throw new IllegalStateException(ContactRecordStreamHandler.DOMAIN_ENV + " must name the domain that contact records are stored in");
        }
        return new ContactRecordService(putProfileObjectService(), STORE, Clock.systemUTC(), domain,
                objectType == null || objectType.isBlank() ? ContactRecordService.DEFAULT_OBJECT_TYPE : objectType);
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

    static org.openprofiles.service.ProfileHistoryService profileHistoryService() {
        return new org.openprofiles.service.ProfileHistoryService(DOMAINS, STORE);
    }

    static org.openprofiles.service.ObjectOrderMigration objectOrderMigration() {
        return new org.openprofiles.service.ObjectOrderMigration(STORE, Clock.systemUTC());
    }

    static DomainAdminService domainAdminService() {
        return new DomainAdminService(CONFIG, new ConfigWrites(DYNAMO, ProfilesTable.tableName()), Clock.systemUTC(), ErasureWorker.GRACE);
    }

    /** Built on first use: only the Admin function and the exporter talk to Kinesis. */
    private static final class Kinesis {
        static final KinesisClient CLIENT = KinesisClients.builder().credentialsProvider(credentials()).build();
    }

    static EventStreamService eventStreamService() {
        return new EventStreamService(CONFIG, new EventStreamWrites(DYNAMO, ProfilesTable.tableName()), new KinesisDestinations(Kinesis.CLIENT),
                Clock.systemUTC());
    }

    static Exporter exporter() {
        return new Exporter(CONFIG, STORE, new KinesisEventSink(Kinesis.CLIENT));
    }

    static ErasureWorker erasureWorker() {
        return new ErasureWorker(new ErasureLedger(DYNAMO, ProfilesTable.tableName()), new DataEraser(DYNAMO, ProfilesTable.tableName()),
                new org.openprofiles.service.AbandonedOperations(CONFIG, DOMAINS, STORE, Clock.systemUTC()), Clock.systemUTC(),
                ErasureWorker.PAGE_SIZE);
    }

    static void applyDomainFiles(Deadline deadline) {
        domainAdminService().applyFiles(org.openprofiles.config.DomainLoader.classpathFiles(), deadline);
    }
}

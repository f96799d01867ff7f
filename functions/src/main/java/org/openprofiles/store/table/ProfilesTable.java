package org.openprofiles.store.table;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The one table's physical shape: names shared by the store, the local API, the tests and the
 * CDK stacks (which must never retype them). docs/data-model.md explains the design.
 */
public final class ProfilesTable {
    /** Environment variable carrying the table name in Lambda. */
    public static final String TABLE_NAME_ENV = "TABLE_NAME";
    public static final String DEFAULT_TABLE_NAME = "openprofiles";

    public static final String PARTITION_KEY = "pk";
    /** Objects by profile and type (ListProfileObjects); unattached objects by type. Read path only. */
    public static final String OBJECTS_BY_PROFILE_INDEX = "objectsByProfile";
    public static final String INDEX_PARTITION_KEY = "gsi1pk";
    public static final String INDEX_SORT_KEY = "gsi1sk";
    /** Epoch seconds after which DynamoDB TTL may delete a profile object. */
    public static final String TTL_ATTRIBUTE = "expiresAt";

    private ProfilesTable() {}

    public static String tableName() {
        String name = System.getenv(TABLE_NAME_ENV);
        return name == null || name.isBlank() ? DEFAULT_TABLE_NAME : name;
    }

    /** The table's change stream: what the event streams' exporter reads (both images: a removal's event needs the old one). */
    public static final StreamViewType STREAM_VIEW = StreamViewType.NEW_AND_OLD_IMAGES;

    /**
     * The table as the store expects it with its change stream, as deployed, for where the exporter runs (the local
     * API). DynamoDB Local records every write's stream record in its database, which makes its writes several times
     * slower on a loaded machine: tests of the store alone use {@link #createTableRequest} without it.
     */
    public static CreateTableRequest createTableWithStreamRequest(String tableName) {
        return createTableRequest(tableName).toBuilder()
                .streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(STREAM_VIEW).build())
                .build();
    }

    /** The table as the store expects it, without a change stream (used where no CDK stack creates it: tests of the store). */
    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(PARTITION_KEY), attribute(INDEX_PARTITION_KEY), attribute(INDEX_SORT_KEY))
                .keySchema(KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(OBJECTS_BY_PROFILE_INDEX)
                        .keySchema(List.of(
                                KeySchemaElement.builder().attributeName(INDEX_PARTITION_KEY).keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName(INDEX_SORT_KEY).keyType(KeyType.RANGE).build()))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                        .build())
                .build();
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }
}

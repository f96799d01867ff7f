package org.openprofiles.infra;

import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/**
 * The data stack (stack name {@value #NAME}): the one table, holding the customer data and the
 * configuration (domains and object types, written by the API stack's administration). It lives
 * apart from the API and cannot be deleted by accident: RETAIN, deletion protection, point-in-time
 * recovery.
 */
public final class DataStack extends Stack {
    public static final String NAME = "OpenProfilesData";

    private final Table table;

    public DataStack(Construct scope, StackProps props) {
        super(scope, NAME, props);
        table = Table.Builder.create(this, "ProfilesTable")
                .partitionKey(Attribute.builder().name(ProfilesTable.PARTITION_KEY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .timeToLiveAttribute(ProfilesTable.TTL_ATTRIBUTE)
                .stream(StreamViewType.valueOf(ProfilesTable.STREAM_VIEW.name())) // the event streams' exporter reads it
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                .partitionKey(Attribute.builder().name(ProfilesTable.INDEX_PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(ProfilesTable.INDEX_SORT_KEY).type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        CfnOutput.Builder.create(this, "TableName").value(table.getTableName()).description("The profiles table").build();
    }

    public Table table() {
        return table;
    }
}

package org.openprofiles.infra;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openprofiles.store.DomainStore;
import org.openprofiles.store.ProfilesTable;
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
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.customresources.AwsCustomResourcePolicy;
import software.amazon.awscdk.customresources.AwsSdkCall;
import software.amazon.awscdk.customresources.PhysicalResourceId;
import software.constructs.Construct;

/**
 * The data stack (stack name {@value #NAME}): the one table, and the domain configuration deployed
 * into it. It holds customer data, so it lives apart from the API and cannot be deleted by
 * accident: RETAIN, deletion protection, point-in-time recovery.
 */
public final class DataStack extends Stack {
    public static final String NAME = "OpenProfilesData";

    private final Table table;

    /** @param domainFiles the domain files (file name → JSON), already validated */
    public DataStack(Construct scope, StackProps props, Map<String, String> domainFiles) {
        super(scope, NAME, props);
        table = Table.Builder.create(this, "ProfilesTable")
                .partitionKey(Attribute.builder().name(ProfilesTable.PARTITION_KEY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .timeToLiveAttribute(ProfilesTable.TTL_ATTRIBUTE)
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                .partitionKey(Attribute.builder().name(ProfilesTable.INDEX_PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(ProfilesTable.INDEX_SORT_KEY).type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        deployDomainConfiguration(domainFiles);
        CfnOutput.Builder.create(this, "TableName").value(table.getTableName()).description("The profiles table").build();
    }

    /** Writes the domain files (validated at synth) into the table's configuration item on every deploy. */
    private void deployDomainConfiguration(Map<String, String> domainFiles) {
        Map<String, Object> files = new TreeMap<>();
        domainFiles.forEach((name, json) -> files.put(name, Map.of("S", json)));
        AwsSdkCall putConfiguration = AwsSdkCall.builder()
                .service("DynamoDB")
                .action("putItem")
                .parameters(Map.of("TableName", table.getTableName(), "Item", Map.of(
                        ProfilesTable.PARTITION_KEY, Map.of("S", DomainStore.CONFIGURATION_PK),
                        DomainStore.FILES_ATTRIBUTE, Map.of("M", files))))
                .physicalResourceId(PhysicalResourceId.of(DomainStore.CONFIGURATION_PK))
                .build();
        AwsCustomResource.Builder.create(this, "DomainConfiguration")
                .onCreate(putConfiguration)
                .onUpdate(putConfiguration)
                .policy(AwsCustomResourcePolicy.fromStatements(List.of(PolicyStatement.Builder.create()
                        .actions(List.of("dynamodb:PutItem")).resources(List.of(table.getTableArn())).build())))
                .installLatestAwsSdk(false)
                .build();
    }

    public Table table() {
        return table;
    }
}

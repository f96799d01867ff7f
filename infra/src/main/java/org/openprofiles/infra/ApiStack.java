package org.openprofiles.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.AdminHandler;
import org.openprofiles.api.DomainFilesHandler;
import org.openprofiles.api.ErasureHandler;
import org.openprofiles.api.FunctionRights;
import org.openprofiles.api.ObjectOrderHandler;
import org.openprofiles.api.ProfileHistoryHandler;
import org.openprofiles.api.ProfileLifecycleHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.IResource;
import software.amazon.awscdk.services.apigateway.JsonSchema;
import software.amazon.awscdk.services.apigateway.JsonSchemaType;
import software.amazon.awscdk.services.apigateway.JsonSchemaVersion;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.Model;
import software.amazon.awscdk.services.apigateway.ModelOptions;
import software.amazon.awscdk.services.apigateway.RequestValidator;
import software.amazon.awscdk.services.apigateway.RequestValidatorOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The API stack (stack name {@value #NAME}): the functions from the one jar (four for profiles:
 * ingestion, keys, the read-only reads, the lifecycle; one for administration; each with its own
 * least-privilege role), the REST API with the AWS Customer Profiles paths, IAM-authorised; the erasure worker and its schedule; the custom resource
 * that applies the domain files; the alarms, their topic and the dashboard ({@link Monitoring}).
 * Redeployed with every code change.
 */
public final class ApiStack extends Stack {
    private final ITopic alarmTopic;

    /** The topic every alarm of the deployment notifies (the optional stacks' too). */
    public ITopic alarmTopic() { return alarmTopic; }

    public static final String NAME = "OpenProfilesApi";
    public static final String ALIAS = "live";
    public static final String STAGE = "prod";
    /** C1 only: faster start for short handlers that mostly wait on DynamoDB (docs/performance.md). */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    /** The custom resource property that changes with the domain files, so a deploy applies them again. */
    public static final String DOMAIN_FILES_DIGEST = "DomainsSha256";
    /** How often the erasure worker looks for deletions to erase. */
    public static final Duration ERASURE_SCHEDULE = Duration.minutes(1);

    /** The context value (cdk deploy -c alarmEmail=...) that subscribes an address to the alarms' topic. */
    public static final String ALARM_EMAIL_CONTEXT = "alarmEmail";

    /**
     * @param domainFilesDigest changes whenever the domain files do, so the deploy applies them again
     * @param alarmEmail        an address the alarms are e-mailed to, or null
     */
    public ApiStack(Construct scope, StackProps props, ITable table, Path lambdaJar, String domainFilesDigest, String alarmEmail) {
        super(scope, NAME, props);
        Code code = Code.fromAsset(lambdaJar.toString());
        List<String> eventStreamArns = EventExport.destinationArns(this);

        // Each function's rights on the table are its FunctionRights (written once, next to the handlers, and enforced at
        // the wire by the tests). Administration also checks that an event stream's Uri names a stream that exists (and
        // Get/ListEventStreams report its health): DescribeStreamSummary on the account's streams.
        Alias put = function("PutProfileObject", PutProfileObjectHandler.class, code, table, FunctionRights.PUT_PROFILE_OBJECT);
        Alias addKey = function("AddProfileKey", AddProfileKeyHandler.class, code, table, FunctionRights.ADD_PROFILE_KEY);
        Alias read = function("ReadProfiles", ReadProfilesHandler.class, code, table, FunctionRights.READ_PROFILES);
        Alias historyReads = function("ProfileHistory", ProfileHistoryHandler.class, code, table, FunctionRights.PROFILE_HISTORY);
        Alias lifecycle = function("ProfileLifecycle", ProfileLifecycleHandler.class, code, table, FunctionRights.PROFILE_LIFECYCLE);
        Alias admin = function("Admin", AdminHandler.class, code, table, FunctionRights.ADMINISTRATION,
                PolicyStatement.Builder.create().actions(List.of("kinesis:DescribeStreamSummary")).resources(eventStreamArns).build());

        erasureWorker(code, table);
        objectOrderMigration(code, table);
        EventExport export = new EventExport(this, "EventExport", table, code, eventStreamArns);
        CfnOutput.Builder.create(this, "EventExportFailureQueue").value(export.failures.getQueueUrl())
                .description("Change-stream batches the event exporter gave up on: shard and sequence numbers to replay").build();
        applyDomainFiles(code, table, domainFilesDigest);

        LogGroup accessLogs = LogGroup.Builder.create(this, "ApiAccessLogs")
                .retention(RetentionDays.ONE_YEAR).removalPolicy(RemovalPolicy.RETAIN).build();
        RestApi api = RestApi.Builder.create(this, "CustomerProfilesApi")
                .restApiName("openprofiles")
                .description("Amazon Connect Customer Profiles ingestion API (openprofiles)")
                .cloudWatchRole(true)
                .deployOptions(StageOptions.builder()
                        .stageName(STAGE)
                        .throttlingRateLimit(200)
                        .throttlingBurstLimit(400)
                        .loggingLevel(MethodLoggingLevel.INFO)
                        .dataTraceEnabled(false) // request bodies are customer data
                        .metricsEnabled(true)
                        .accessLogDestination(new LogGroupLogDestination(accessLogs))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .build())
                .defaultMethodOptions(MethodOptions.builder().authorizationType(AuthorizationType.IAM).build())
                .build();
        RequestValidator validator = api.addRequestValidator("BodyValidator",
                RequestValidatorOptions.builder().validateRequestBody(true).validateRequestParameters(true).build());

        IResource profiles = api.getRoot().addResource("domains").addResource("{DomainName}").addResource("profiles");
        IResource objects = profiles.addResource("objects");
        objects.addMethod("PUT", new LambdaIntegration(put), body(api, validator, "PutProfileObjectRequest",
                Map.of("ObjectTypeName", string(), "Object", string()), List.of("ObjectTypeName", "Object")));
        objects.addMethod("POST", new LambdaIntegration(read), body(api, validator, "ListProfileObjectsRequest",
                Map.of("ObjectTypeName", string(), "ProfileId", string()), List.of("ObjectTypeName", "ProfileId")));
        IResource keys = profiles.addResource("keys");
        keys.addMethod("POST", new LambdaIntegration(addKey), body(api, validator, "AddProfileKeyRequest",
                Map.of("ProfileId", string(), "KeyName", string(), "Values", strings()), List.of("ProfileId", "KeyName", "Values")));
        profiles.addResource("search").addMethod("POST", new LambdaIntegration(read), body(api, validator, "SearchProfilesRequest",
                Map.of("KeyName", string(), "Values", strings()), List.of("KeyName", "Values")));
        profiles.getParentResource().addResource("batch-get-profiles").addMethod("POST", new LambdaIntegration(read),
                body(api, validator, "BatchGetProfileRequest", Map.of("ProfileIds", strings()), List.of("ProfileIds")));

        // Profile history: its own read-only function.
        LambdaIntegration history = new LambdaIntegration(historyReads);
        profiles.addResource("history-records").addMethod("POST", history, body(api, validator, "ListProfileHistoryRecordsRequest",
                Map.of("ProfileId", string()), List.of("ProfileId")));
        profiles.addResource("{ProfileId}").addResource("history-records").addResource("{Id}").addMethod("GET", history);

        // The profile lifecycle: its own function and role.
        LambdaIntegration manage = new LambdaIntegration(lifecycle);
        profiles.addMethod("POST", manage);
        profiles.addMethod("PUT", manage, body(api, validator, "UpdateProfileRequest",
                Map.of("ProfileId", string()), List.of("ProfileId")));
        profiles.addResource("delete").addMethod("POST", manage, body(api, validator, "DeleteProfileRequest",
                Map.of("ProfileId", string()), List.of("ProfileId")));
        keys.addResource("delete").addMethod("POST", manage, body(api, validator, "DeleteProfileKeyRequest",
                Map.of("ProfileId", string(), "KeyName", string(), "Values", strings()), List.of("ProfileId", "KeyName", "Values")));
        objects.addResource("delete").addMethod("POST", manage, body(api, validator, "DeleteProfileObjectRequest",
                Map.of("ProfileId", string(), "ProfileObjectUniqueKey", string(), "ObjectTypeName", string()),
                List.of("ProfileId", "ProfileObjectUniqueKey", "ObjectTypeName")));
        objects.addResource("merge").addMethod("POST", manage, body(api, validator, "MergeProfilesRequest",
                Map.of("MainProfileId", string(), "ProfileIdsToBeMerged", strings()), List.of("MainProfileId", "ProfileIdsToBeMerged")));

        // Administration: domains, object types, templates.
        LambdaIntegration administration = new LambdaIntegration(admin);
        IResource domains = api.getRoot().getResource("domains");
        IResource domain = domains.getResource("{DomainName}");
        domains.addMethod("GET", administration);
        domain.addMethod("POST", administration, body(api, validator, "CreateDomainRequest",
                Map.of("DefaultExpirationDays", integer()), List.of("DefaultExpirationDays")));
        domain.addMethod("GET", administration);
        domain.addMethod("PUT", administration);
        domain.addMethod("DELETE", administration);
        IResource objectTypes = domain.addResource("object-types");
        objectTypes.addMethod("GET", administration);
        IResource objectType = objectTypes.addResource("{ObjectTypeName}");
        objectType.addMethod("PUT", administration, body(api, validator, "PutProfileObjectTypeRequest",
                Map.of("Description", string()), List.of("Description")));
        objectType.addMethod("GET", administration);
        objectType.addMethod("DELETE", administration);
        IResource templates = api.getRoot().addResource("templates");
        IResource eventStreams = domain.addResource("event-streams");
        eventStreams.addMethod("GET", administration);
        IResource eventStream = eventStreams.addResource("{EventStreamName}");
        eventStream.addMethod("POST", administration, body(api, validator, "CreateEventStreamRequest", Map.of("Uri", string()), List.of("Uri")));
        eventStream.addMethod("GET", administration);
        eventStream.addMethod("DELETE", administration);
        templates.addMethod("GET", administration);
        templates.addResource("{TemplateId}").addMethod("GET", administration);

        // Calculated attributes: definitions are configuration (the administration function); values are reads of a
        // profile's objects (the read-only function). Note the model's singular /profile/ in the per-profile paths.
        IResource calculatedAttributes = domain.addResource("calculated-attributes");
        calculatedAttributes.addMethod("GET", administration);
        IResource calculatedAttribute = calculatedAttributes.addResource("{CalculatedAttributeName}");
        calculatedAttribute.addMethod("POST", administration);
        calculatedAttribute.addMethod("GET", administration);
        calculatedAttribute.addMethod("PUT", administration);
        calculatedAttribute.addMethod("DELETE", administration);
        LambdaIntegration reads = new LambdaIntegration(read);
        calculatedAttribute.addResource("batch-get-for-profiles").addMethod("POST", reads, body(api, validator,
                "BatchGetCalculatedAttributeForProfileRequest", Map.of("ProfileIds", strings()), List.of("ProfileIds")));
        IResource profileValues = domain.addResource("profile").addResource("{ProfileId}").addResource("calculated-attributes");
        profileValues.addMethod("GET", reads);
        profileValues.addResource("{CalculatedAttributeName}").addMethod("GET", reads);

        Monitoring monitoring = new Monitoring(this, "Monitoring", table, alarmEmail);
        export.monitor(monitoring.topic);
        alarmTopic = monitoring.topic;
        CfnOutput.Builder.create(this, "AlarmTopic").value(monitoring.topic.getTopicArn())
                .description("SNS topic every alarm notifies (subscribe more endpoints to it)").build();
        CfnOutput.Builder.create(this, "ApiUrl").value(api.getUrl())
                .description("Endpoint for the AWS SDKs and CLI (sign with service name execute-api)").build();
    }

    private Alias function(String name, Class<?> handler, Code code, ITable table, List<FunctionRights.Grant> rights,
            PolicyStatement... grants) {
        LogGroup logs = LogGroup.Builder.create(this, name + "Logs")
                .retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build();
        Function function = Function.Builder.create(this, name)
                .runtime(Runtime.JAVA_25)
                .code(code)
                .handler(handler.getName() + "::handleRequest")
                .memorySize(1024)
                .timeout(Duration.seconds(DynamoDbClients.FUNCTION_TIMEOUT.toSeconds()))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .environment(Map.of(ProfilesTable.TABLE_NAME_ENV, table.getTableName(), "JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS))
                .logGroup(logs)
                .build();
        Grants.give(function, rights, table.getTableArn());
        for (PolicyStatement grant : grants) function.addToRolePolicy(grant);
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "the API calls the published version behind the alias, never $LATEST");
        return Alias.Builder.create(this, name + "Live").aliasName(ALIAS).version(function.getCurrentVersion()).build();
    }

    /** A background function (no API, no SnapStart): the erasure worker and the domain files' custom resource. */
    private Function backgroundFunction(String name, Class<?> handler, Code code, ITable table, Duration timeout,
            List<FunctionRights.Grant> rights) {
        LogGroup logs = LogGroup.Builder.create(this, name + "Logs")
                .retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build();
        Function function = Function.Builder.create(this, name)
                .runtime(Runtime.JAVA_25)
                .code(code)
                .handler(handler.getName() + "::handleRequest")
                .memorySize(1024)
                .timeout(timeout)
                .environment(Map.of(ProfilesTable.TABLE_NAME_ENV, table.getTableName(), "JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS))
                .logGroup(logs)
                .build();
        Grants.give(function, rights, table.getTableArn());
        return function;
    }

    /**
     * The erasure worker: a schedule invokes it every minute; each run erases due deletions in
     * bounded steps and records its progress, so the next run (or a retry after a failure) resumes.
     */
    private void erasureWorker(Code code, ITable table) {
        Function worker = backgroundFunction("ErasureWorker", ErasureHandler.class, code, table,
                Duration.seconds(ErasureHandler.TIMEOUT.toSeconds()), FunctionRights.ERASURE);
        Rule.Builder.create(this, "ErasureSchedule")
                .description("Runs the openprofiles erasure worker: deleted domains and object types are erased in bounded steps")
                .schedule(Schedule.rate(ERASURE_SCHEDULE))
                .targets(List.of(LambdaFunction.Builder.create(worker).retryAttempts(2).build()))
                .build();
    }

    /**
     * The one-time migration after an upgrade from a version that listed objects in key order (README, "Upgrading"):
     * invoked by hand until it answers {@code "done": true}. Scan finds the objects, UpdateItem gives each its new index key.
     */
    private void objectOrderMigration(Code code, ITable table) {
        Function migration = backgroundFunction("ObjectOrderMigration", ObjectOrderHandler.class, code, table,
                Duration.seconds(ObjectOrderHandler.TIMEOUT.toSeconds()), FunctionRights.OBJECT_ORDER);
        CfnOutput.Builder.create(this, "ObjectOrderMigrationFunction").value(migration.getFunctionName())
                .description("Invoke until it answers done:true after upgrading a table written by a version before newest-first listing").build();
    }

    /** Applies the domain files on every deploy that changes them (create-or-replace), with the administration's code and rights. */
    private void applyDomainFiles(Code code, ITable table, String digest) {
        Function apply = backgroundFunction("ApplyDomainFiles", DomainFilesHandler.class, code, table, Duration.minutes(5),
                FunctionRights.ADMINISTRATION);
        CustomResource.Builder.create(this, "DomainFiles")
                .resourceType("Custom::DomainFiles")
                .serviceToken(apply.getFunctionArn())
                .properties(Map.of(DOMAIN_FILES_DIGEST, digest))
                .build();
    }

    /** Gateway-side checks stay coarse (members present, right JSON types): the handlers name the field in their 400s. */
    private static MethodOptions body(RestApi api, RequestValidator validator, String name, Map<String, JsonSchema> members,
                                      List<String> required) {
        Model model = api.addModel(name, ModelOptions.builder()
                .modelName(name)
                .contentType("application/json")
                .schema(JsonSchema.builder().schema(JsonSchemaVersion.DRAFT4).type(JsonSchemaType.OBJECT)
                        .properties(members).required(required).build())
                .build());
        return MethodOptions.builder().requestValidator(validator).requestModels(Map.of("application/json", model)).build();
    }

    private static JsonSchema string() {
        return JsonSchema.builder().type(JsonSchemaType.STRING).build();
    }

    private static JsonSchema integer() {
        return JsonSchema.builder().type(JsonSchemaType.INTEGER).build();
    }

    private static JsonSchema strings() {
        return JsonSchema.builder().type(JsonSchemaType.ARRAY).items(string()).build();
    }
}

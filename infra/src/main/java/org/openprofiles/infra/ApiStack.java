package org.openprofiles.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.store.DynamoDbClients;
import org.openprofiles.store.ProfilesTable;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
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
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The API stack (stack name {@value #NAME}): the three functions from the one jar and the REST
 * API with the AWS Customer Profiles paths, IAM-authorised. Redeployed with every code change.
 */
public final class ApiStack extends Stack {
    public static final String NAME = "OpenProfilesApi";
    public static final String ALIAS = "live";
    public static final String STAGE = "prod";
    /** C1 only: faster start for short handlers that mostly wait on DynamoDB (docs/performance.md). */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";
    /**
     * A digest of the deployed domain files. Functions read the configuration at init, which
     * SnapStart snapshots; a new digest publishes new versions, so no alias serves stale configuration.
     */
    public static final String CONFIGURATION_VERSION_ENV = "DOMAINS_SHA256";

    /** @param configurationVersion changes whenever the domain files do, so functions publish a new version and snapshot */
    public ApiStack(Construct scope, StackProps props, ITable table, Path lambdaJar, String configurationVersion) {
        super(scope, NAME, props);
        Code code = Code.fromAsset(lambdaJar.toString());
        String tableArn = table.getTableArn();
        String indexArn = tableArn + "/index/" + ProfilesTable.OBJECTS_BY_PROFILE_INDEX;

        // Every function reads the domain configuration item once, at init, with BatchGetItem.
        Alias put = function("PutProfileObject", PutProfileObjectHandler.class, code, table, configurationVersion,
                statement(List.of("dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"), tableArn));
        Alias addKey = function("AddProfileKey", AddProfileKeyHandler.class, code, table, configurationVersion,
                statement(List.of("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:UpdateItem"), tableArn));
        Alias read = function("ReadProfiles", ReadProfilesHandler.class, code, table, configurationVersion,
                statement(List.of("dynamodb:BatchGetItem"), tableArn),
                statement(List.of("dynamodb:Query"), indexArn));

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
        profiles.addResource("keys").addMethod("POST", new LambdaIntegration(addKey), body(api, validator, "AddProfileKeyRequest",
                Map.of("ProfileId", string(), "KeyName", string(), "Values", strings()), List.of("ProfileId", "KeyName", "Values")));
        profiles.addResource("search").addMethod("POST", new LambdaIntegration(read), body(api, validator, "SearchProfilesRequest",
                Map.of("KeyName", string(), "Values", strings()), List.of("KeyName", "Values")));

        CfnOutput.Builder.create(this, "ApiUrl").value(api.getUrl())
                .description("Endpoint for the AWS SDKs and CLI (sign with service name execute-api)").build();
    }

    private Alias function(String name, Class<?> handler, Code code, ITable table, String configurationVersion,
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
                .environment(Map.of(ProfilesTable.TABLE_NAME_ENV, table.getTableName(), "JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS,
                        CONFIGURATION_VERSION_ENV, configurationVersion))
                .logGroup(logs)
                .build();
        for (PolicyStatement grant : grants) function.addToRolePolicy(grant);
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "the API calls the published version behind the alias, never $LATEST");
        return Alias.Builder.create(this, name + "Live").aliasName(ALIAS).version(function.getCurrentVersion()).build();
    }

    private static PolicyStatement statement(List<String> actions, String resource) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of(resource)).build();
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

    private static JsonSchema strings() {
        return JsonSchema.builder().type(JsonSchemaType.ARRAY).items(string()).build();
    }
}

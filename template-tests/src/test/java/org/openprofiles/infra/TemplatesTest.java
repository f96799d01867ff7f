package org.openprofiles.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.AdminHandler;
import org.openprofiles.api.DomainFilesHandler;
import org.openprofiles.api.ErasureHandler;
import org.openprofiles.api.EventExportHandler;
import org.openprofiles.api.ObjectOrderHandler;
import org.openprofiles.api.ProfileHistoryHandler;
import org.openprofiles.api.ProfileLifecycleHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.json.Json;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The synthesized templates: what the service needs, nothing it does not, and clean nag and lint runs. */
class TemplatesTest {
    static OpenProfiles.Stacks stacks;
    static Map<String, Object> api;
    static Map<String, Object> data;
    static Template apiTemplate;
    static Template dataTemplate;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void synth() {
        App app = new App(AppProps.builder()
                .context(Map.of("aws:cdk:enable-path-metadata", true, "aws:cdk:enable-asset-metadata", true))
                .build());
        stacks = OpenProfiles.build(app);
        apiTemplate = Template.fromStack(stacks.api());
        dataTemplate = Template.fromStack(stacks.data());
        // Our own JSON reader over the template: plain maps are easier to walk than the assertion DSL.
        api = (Map<String, Object>) Json.parse(Json.write(toPlain(apiTemplate.toJSON())));
        data = (Map<String, Object>) Json.parse(Json.write(toPlain(dataTemplate.toJSON())));
    }

    /** jsii hands back maps and lists of Java objects; make numbers JSON numbers for our writer. */
    @SuppressWarnings("unchecked")
    static Object toPlain(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, toPlain(v)));
            return out;
        }
        if (value instanceof List<?> list) return list.stream().map(TemplatesTest::toPlain).toList();
        if (value instanceof Number n) return new Json.JsonNumber(n.toString().replaceAll("\\.0$", ""));
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> resources(Map<String, Object> template, String type) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        ((Map<String, Object>) template.get("Resources")).forEach((id, r) -> {
            Map<String, Object> resource = (Map<String, Object>) r;
            if (type.equals(resource.get("Type"))) out.put(id, resource);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> props(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    @Test
    void resourceCounts() {
        dataTemplate.resourceCountIs("AWS::DynamoDB::Table", 1);
        assertEquals(List.of("AWS::DynamoDB::Table"), resourcesTypes(data), "the data stack holds the table and nothing else");
        apiTemplate.resourceCountIs("AWS::Lambda::Function", 10);
        apiTemplate.resourceCountIs("AWS::Lambda::Alias", 6);
        apiTemplate.resourceCountIs("AWS::ApiGateway::RestApi", 1);
        apiTemplate.resourceCountIs("AWS::ApiGateway::Method", PROFILE_ROUTES + AdminHandler.ROUTES.size());
        apiTemplate.resourceCountIs("AWS::ApiGateway::Model", 15);
        apiTemplate.resourceCountIs("AWS::ApiGateway::RequestValidator", 1);
        apiTemplate.resourceCountIs("AWS::Events::Rule", 1);
        apiTemplate.resourceCountIs("Custom::DomainFiles", 1);
        // 5xx and 429 rates, p99 per data-plane operation, the table's throttles and system errors, the erasure's two, the
        // exporter's three (a stream consumer's).
        apiTemplate.resourceCountIs("AWS::CloudWatch::Alarm", 2 + Monitoring.P99_LATENCY_MS.size() + 2 + 2 + 3);
        apiTemplate.resourceCountIs("AWS::SNS::Topic", 1);
        apiTemplate.resourceCountIs("AWS::SNS::Subscription", 0);
        apiTemplate.resourceCountIs("AWS::CloudWatch::Dashboard", 2); // the API's, the exporter's
    }

    /**
     * Every alarm notifies the one topic; the request-rate alarms read the functions' own metrics
     * (the names the request log writes); each data-plane operation the API routes has its p99 alarm
     * (operation names taken from the events/ files of the routes that reach a data-plane function);
     * the dashboard shows the alarms and the metrics.
     */
    @Test
    @SuppressWarnings("unchecked")
    void alarmsNotifyOneTopicAndCoverEveryDataPlaneOperation() throws Exception {
        String topic = resources(api, "AWS::SNS::Topic").keySet().iterator().next();
        Map<String, Map<String, Object>> alarms = resources(api, "AWS::CloudWatch::Alarm");
        for (Map<String, Object> alarm : alarms.values()) {
            assertEquals(List.of(Map.of("Ref", topic)), props(alarm).get("AlarmActions"), Json.write(alarm));
            assertNotNull(props(alarm).get("AlarmDescription"));
        }
        String all = Json.write(alarms);
        for (String metric : List.of(org.openprofiles.api.RequestLog.SERVER_ERRORS, org.openprofiles.api.RequestLog.THROTTLED,
                org.openprofiles.api.RequestLog.REQUESTS, org.openprofiles.api.RequestLog.ERASURE_JOBS_PENDING,
                org.openprofiles.api.RequestLog.ERASURE_FAILURES, "ThrottledRequests", "SystemErrors")) {
            assertTrue(all.contains("\"MetricName\":\"" + metric + "\""), metric);
        }
        Map<String, String> routes = routes();
        Set<String> dataPlane = new TreeSet<>();
        try (var files = Files.list(Path.of("..", "events"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Map<String, Object> event = (Map<String, Object>) Json.parse(Files.readString(file));
                String handler = routes.get(event.get("httpMethod") + " " + event.get("resource"));
                if (handler.startsWith(AdminHandler.class.getName())) continue;
                String operation = file.getFileName().toString().replaceFirst("-\\d{3}-.*$", "");
                StringBuilder pascal = new StringBuilder();
                for (String word : operation.split("-")) pascal.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
                dataPlane.add(pascal.toString());
            }
        }
        assertEquals(dataPlane, new TreeSet<>(Monitoring.P99_LATENCY_MS.keySet()));
        for (String operation : dataPlane) {
            assertTrue(all.contains("{\"Name\":\"Operation\",\"Value\":\"" + operation + "\"}"), operation + " has a latency alarm");
        }
        String dashboard = Json.write(resources(api, "AWS::CloudWatch::Dashboard").entrySet().stream()
                .filter(d -> d.getKey().startsWith("Monitoring")).map(Map.Entry::getValue).findFirst().orElseThrow());
        for (String shown : List.of("OpenProfiles", "TransactionConflicts", "ErasureItemsErased", "ThrottledRequests")) {
            assertTrue(dashboard.contains(shown), shown + " on the dashboard");
        }
    }

    @Test
    void anAlarmAddressGivenAtDeployIsSubscribed() {
        App app = new App(AppProps.builder().context(Map.of(ApiStack.ALARM_EMAIL_CONTEXT, "oncall@example.com")).build());
        Template template = Template.fromStack(OpenProfiles.build(app).api());
        template.resourceCountIs("AWS::SNS::Subscription", 1);
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "oncall@example.com"));
    }

    @SuppressWarnings("unchecked")
    static List<String> resourcesTypes(Map<String, Object> template) {
        return ((Map<String, Object>) template.get("Resources")).values().stream()
                .map(r -> (String) ((Map<String, Object>) r).get("Type")).distinct().sorted().toList();
    }

    /** Route (method and path) to the handler class its integration reaches, through an alias. */
    @SuppressWarnings("unchecked")
    static Map<String, String> routes() {
        Map<String, Map<String, Object>> apiResources = resources(api, "AWS::ApiGateway::Resource");
        Map<String, Map<String, Object>> aliases = resources(api, "AWS::Lambda::Alias");
        Map<String, Map<String, Object>> functions = resources(api, "AWS::Lambda::Function");
        Map<String, String> routes = new HashMap<>();
        for (Map<String, Object> method : resources(api, "AWS::ApiGateway::Method").values()) {
            Map<String, Object> p = props(method);
            assertEquals("AWS_IAM", p.get("AuthorizationType"), "every method is IAM-authorised");
            String path = "";
            Object resourceRef = ((Map<String, Object>) p.get("ResourceId")).get("Ref");
            while (resourceRef != null && apiResources.containsKey(resourceRef)) {
                Map<String, Object> r = props(apiResources.get(resourceRef));
                path = "/" + r.get("PathPart") + path;
                Object parent = r.get("ParentId");
                resourceRef = parent instanceof Map<?, ?> m ? m.get("Ref") : null;
            }
            Map<String, Object> integration = (Map<String, Object>) p.get("Integration");
            assertEquals("AWS_PROXY", integration.get("Type"));
            String uri = Json.write(integration.get("Uri"));
            String alias = aliases.keySet().stream().filter(a -> uri.contains("\"Ref\":\"" + a + "\"")).findFirst()
                    .orElseThrow(() -> new AssertionError("a method does not reach an alias: " + uri));
            String function = (String) ((Map<String, Object>) props(aliases.get(alias)).get("FunctionName")).get("Ref");
            routes.put(p.get("HttpMethod") + " " + path, (String) props(functions.get(function)).get("Handler"));
        }
        return routes;
    }

    /** The profile routes: ingestion, keys, the three reads, the six lifecycle operations, the three calculated attribute
     * reads, the two history reads. */
    static final int PROFILE_ROUTES = 16;

    @Test
    void everyRouteReachesItsFunctionAliasWithIamAuthorisation() {
        String lifecycle = ProfileLifecycleHandler.class.getName() + "::handleRequest";
        String read = ReadProfilesHandler.class.getName() + "::handleRequest";
        Map<String, String> expected = new HashMap<>(Map.of(
                "PUT /domains/{DomainName}/profiles/objects", PutProfileObjectHandler.class.getName() + "::handleRequest",
                "POST /domains/{DomainName}/profiles/objects", read,
                "POST /domains/{DomainName}/profiles/keys", AddProfileKeyHandler.class.getName() + "::handleRequest",
                "POST /domains/{DomainName}/profiles/search", read,
                "POST /domains/{DomainName}/batch-get-profiles", read));
        expected.putAll(Map.of(
                "POST /domains/{DomainName}/profiles", lifecycle,
                "PUT /domains/{DomainName}/profiles", lifecycle,
                "POST /domains/{DomainName}/profiles/delete", lifecycle,
                "POST /domains/{DomainName}/profiles/keys/delete", lifecycle,
                "POST /domains/{DomainName}/profiles/objects/delete", lifecycle,
                "POST /domains/{DomainName}/profiles/objects/merge", lifecycle));
        expected.putAll(Map.of(
                "GET /domains/{DomainName}/profile/{ProfileId}/calculated-attributes/{CalculatedAttributeName}", read,
                "GET /domains/{DomainName}/profile/{ProfileId}/calculated-attributes", read,
                "POST /domains/{DomainName}/calculated-attributes/{CalculatedAttributeName}/batch-get-for-profiles", read));
        String history = ProfileHistoryHandler.class.getName() + "::handleRequest";
        expected.put("POST /domains/{DomainName}/profiles/history-records", history);
        expected.put("GET /domains/{DomainName}/profiles/{ProfileId}/history-records/{Id}", history);
        assertEquals(PROFILE_ROUTES, expected.size());
        for (List<String> route : AdminHandler.ROUTES) {
            expected.put(route.get(0) + " " + route.get(1), AdminHandler.class.getName() + "::handleRequest");
        }
        assertEquals(expected, routes());
        resources(api, "AWS::Lambda::Alias").values().forEach(a -> assertEquals(ApiStack.ALIAS, props(a).get("Name")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTableIsTheOneTheStoreQueries() {
        Map<String, Object> table = resources(data, "AWS::DynamoDB::Table").values().iterator().next();
        Map<String, Object> p = props(table);
        assertEquals(List.of(Map.of("AttributeName", ProfilesTable.PARTITION_KEY, "KeyType", "HASH")), p.get("KeySchema"));
        List<Map<String, Object>> indexes = (List<Map<String, Object>>) p.get("GlobalSecondaryIndexes");
        assertEquals(1, indexes.size());
        assertEquals(ProfilesTable.OBJECTS_BY_PROFILE_INDEX, indexes.get(0).get("IndexName"));
        assertEquals(List.of(Map.of("AttributeName", ProfilesTable.INDEX_PARTITION_KEY, "KeyType", "HASH"),
                Map.of("AttributeName", ProfilesTable.INDEX_SORT_KEY, "KeyType", "RANGE")), indexes.get(0).get("KeySchema"));
        assertEquals(Map.of("ProjectionType", "ALL"), indexes.get(0).get("Projection"));
        assertEquals("PAY_PER_REQUEST", p.get("BillingMode"));
        assertEquals(Map.of("PointInTimeRecoveryEnabled", true), p.get("PointInTimeRecoverySpecification"));
        assertEquals(Map.of("SSEEnabled", true), p.get("SSESpecification"));
        assertEquals(Map.of("AttributeName", ProfilesTable.TTL_ATTRIBUTE, "Enabled", true), p.get("TimeToLiveSpecification"));
        assertEquals(true, p.get("DeletionProtectionEnabled"));
        assertEquals("Retain", table.get("DeletionPolicy"));
        assertEquals("Retain", table.get("UpdateReplacePolicy"));
    }

    /** Handler class (without ::handleRequest) → the function's logical id. */
    @SuppressWarnings("unchecked")
    static Map<String, String> functionIdsByHandler() {
        Map<String, String> ids = new HashMap<>();
        resources(api, "AWS::Lambda::Function").forEach((id, f) -> ids.put(((String) props(f).get("Handler")).replace("::handleRequest", ""), id));
        return ids;
    }

    @Test
    @SuppressWarnings("unchecked")
    void functionsRunJava25WithSnapStartTimeoutsAndSamMetadata() {
        Set<String> apiHandlers = Set.of(PutProfileObjectHandler.class.getName(), AddProfileKeyHandler.class.getName(),
                ReadProfilesHandler.class.getName(), ProfileLifecycleHandler.class.getName(), AdminHandler.class.getName(),
                ProfileHistoryHandler.class.getName());
        for (Map<String, Object> function : resources(api, "AWS::Lambda::Function").values()) {
            Map<String, Object> p = props(function);
            assertEquals("java25", p.get("Runtime"));
            String handler = ((String) p.get("Handler")).replace("::handleRequest", "");
            if (apiHandlers.contains(handler)) {
                assertEquals(Map.of("ApplyOn", "PublishedVersions"), p.get("SnapStart"), handler);
                assertEquals(new Json.JsonNumber(Long.toString(DynamoDbClients.FUNCTION_TIMEOUT.toSeconds())), p.get("Timeout"));
            } else {
                assertNull(p.get("SnapStart"), handler + " runs in the background: no snapshot");
            }
            assertEquals(new Json.JsonNumber("1024"), p.get("MemorySize"));
            Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) p.get("Environment")).get("Variables");
            assertEquals(ApiStack.JAVA_TOOL_OPTIONS, env.get("JAVA_TOOL_OPTIONS"));
            assertNotNull(env.get(ProfilesTable.TABLE_NAME_ENV));
            assertNotNull(p.get("LoggingConfig"), "an explicit log group");
            Map<String, Object> metadata = (Map<String, Object>) function.get("Metadata");
            assertTrue(((String) metadata.get("aws:cdk:path")).startsWith(ApiStack.NAME + "/"), "SAM finds functions by construct path");
            assertTrue(((String) metadata.get("aws:asset:path")).endsWith(".jar"), "SAM finds the code by asset path");
            assertEquals("Code", metadata.get("aws:asset:property"));
        }
        String worker = functionIdsByHandler().get(ErasureHandler.class.getName());
        assertEquals(new Json.JsonNumber(Long.toString(ErasureHandler.TIMEOUT.toSeconds())), props(resources(api, "AWS::Lambda::Function").get(worker)).get("Timeout"));
        for (Map<String, Object> logs : resources(api, "AWS::Logs::LogGroup").values()) assertNotNull(props(logs).get("RetentionInDays"));
        apiTemplate.hasResourceProperties("AWS::ApiGateway::Stage", Match.objectLike(Map.of(
                "StageName", ApiStack.STAGE,
                "AccessLogSetting", Match.objectLike(Map.of()),
                "MethodSettings", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "LoggingLevel", "INFO", "DataTraceEnabled", false, "ThrottlingRateLimit", 200, "ThrottlingBurstLimit", 400)))))));
    }

    /** Each role's DynamoDB actions, with the resources they apply to and whether they are confined to configuration items. */
    @SuppressWarnings("unchecked")
    static Map<String, Set<String>> dynamoActionsByRole() {
        Map<String, Set<String>> byRole = new HashMap<>();
        for (Map<String, Object> policy : resources(api, "AWS::IAM::Policy").values()) {
            Map<String, Object> p = props(policy);
            String role = (String) ((Map<String, Object>) ((List<Object>) p.get("Roles")).get(0)).get("Ref");
            for (Object s : (List<Object>) ((Map<String, Object>) p.get("PolicyDocument")).get("Statement")) {
                Map<String, Object> statement = (Map<String, Object>) s;
                Object action = statement.get("Action");
                List<String> actions = action instanceof List<?> l ? (List<String>) l : List.of((String) action);
                String condition = Json.write(statement.get("Condition"));
                for (String a : actions) {
                    assertFalse(a.contains("*"), "no wildcard action: " + a);
                    if (a.startsWith("dynamodb:")) {
                        String resource = Json.write(statement.get("Resource"));
                        String where = resource.contains("/index/") ? " on index" : " on table";
                        if (condition.contains("dynamodb:LeadingKeys") && condition.contains("D#*#P#*")) {
                            assertEquals("{\"ForAllValues:StringLike\":{\"dynamodb:LeadingKeys\":[\"CONFIG#D#*\",\"D#*#P#*\"]}}", condition);
                            where = " on domain and profile items";
                        } else if (condition.contains("dynamodb:LeadingKeys")) {
                            assertEquals("{\"ForAllValues:StringLike\":{\"dynamodb:LeadingKeys\":[\"CONFIG#*\"]}}", condition);
                            where = " on configuration items";
                        } else if (resource.contains("StreamArn")) {
                            where = " on the table's stream";
                        }
                        byRole.computeIfAbsent(role, r -> new TreeSet<>()).add(a + where);
                    }
                }
            }
        }
        return byRole;
    }

    @SuppressWarnings("unchecked")
    static String roleOf(String handlerClass) {
        String function = functionIdsByHandler().get(handlerClass);
        Map<String, Object> role = (Map<String, Object>) props(resources(api, "AWS::Lambda::Function").get(function)).get("Role");
        return (String) ((List<Object>) role.get("Fn::GetAtt")).get(0);
    }

    @Test
    void eachFunctionGetsOnlyTheDynamoDbActionsItUses() {
        Map<String, Set<String>> byRole = dynamoActionsByRole();
        // A put finishes a DeleteProfile or MergeProfiles whose function died when it meets its closed shards.
        assertEquals(Set.of("dynamodb:BatchGetItem on table", "dynamodb:ConditionCheckItem on table",
                "dynamodb:PutItem on table", "dynamodb:UpdateItem on table", "dynamodb:DeleteItem on table",
                "dynamodb:BatchWriteItem on table", "dynamodb:Query on index"), byRole.get(roleOf(PutProfileObjectHandler.class.getName())));
        assertEquals(Set.of("dynamodb:BatchGetItem on table", "dynamodb:ConditionCheckItem on table", "dynamodb:PutItem on table",
                "dynamodb:UpdateItem on table"), byRole.get(roleOf(AddProfileKeyHandler.class.getName())));
        assertEquals(Set.of("dynamodb:BatchGetItem on table", "dynamodb:Query on index"), byRole.get(roleOf(ReadProfilesHandler.class.getName())),
                "the read function (SearchProfiles, ListProfileObjects, BatchGetProfile) cannot write");
        assertEquals(Set.of("dynamodb:BatchGetItem on table", "dynamodb:PutItem on table", "dynamodb:UpdateItem on table",
                "dynamodb:DeleteItem on table", "dynamodb:ConditionCheckItem on table", "dynamodb:BatchWriteItem on table",
                "dynamodb:Query on index"), byRole.get(roleOf(ProfileLifecycleHandler.class.getName())));
        assertEquals(Set.of("dynamodb:BatchGetItem on table", "dynamodb:Query on index"), byRole.get(roleOf(ProfileHistoryHandler.class.getName())),
                "the history function (ListProfileHistoryRecords, GetProfileHistoryRecord) cannot write");
        assertEquals(Set.of("dynamodb:Scan on table", "dynamodb:UpdateItem on table"), byRole.get(roleOf(ObjectOrderHandler.class.getName())),
                "the object-order migration only rewrites index keys");
        for (String handler : List.of(AddProfileKeyHandler.class.getName(), ReadProfilesHandler.class.getName())) {
            assertFalse(byRole.get(roleOf(handler)).stream().anyMatch(a -> a.startsWith("dynamodb:DeleteItem")
                    || a.startsWith("dynamodb:BatchWriteItem")), handler + " never deletes profile data");
        }
        Set<String> administration = Set.of("dynamodb:BatchGetItem on configuration items", "dynamodb:PutItem on configuration items",
                "dynamodb:UpdateItem on configuration items");
        assertEquals(administration, byRole.get(roleOf(AdminHandler.class.getName())), "administration never touches profile data");
        assertEquals(administration, byRole.get(roleOf(DomainFilesHandler.class.getName())));
        // The erasure worker erases with Scan and BatchWriteItem, and finishes the DeleteProfile and MergeProfiles calls whose
        // function died (the lifecycle's rights; the tests deny it anything less at the wire).
        assertEquals(Set.of("dynamodb:Scan on table", "dynamodb:BatchGetItem on table", "dynamodb:PutItem on table",
                "dynamodb:UpdateItem on table", "dynamodb:ConditionCheckItem on table", "dynamodb:DeleteItem on table",
                "dynamodb:BatchWriteItem on table", "dynamodb:Query on index"), byRole.get(roleOf(ErasureHandler.class.getName())));
        // The exporter reads the stream, the domains' items and profile items: it never writes the table.
        assertEquals(Set.of("dynamodb:BatchGetItem on domain and profile items", "dynamodb:DescribeStream on the table's stream",
                "dynamodb:GetRecords on the table's stream", "dynamodb:GetShardIterator on the table's stream", "dynamodb:ListStreams on table"),
                byRole.get(roleOf(EventExportHandler.class.getName())));
        assertEquals(10, Set.copyOf(List.of(roleOf(PutProfileObjectHandler.class.getName()), roleOf(AddProfileKeyHandler.class.getName()),
                roleOf(ReadProfilesHandler.class.getName()), roleOf(ProfileLifecycleHandler.class.getName()), roleOf(AdminHandler.class.getName()), roleOf(DomainFilesHandler.class.getName()),
                roleOf(ErasureHandler.class.getName()), roleOf(EventExportHandler.class.getName()), roleOf(ProfileHistoryHandler.class.getName()),
                roleOf(ObjectOrderHandler.class.getName()))).size(), "one role per function");
    }

    /** Each role's Kinesis actions and their resources. */
    @SuppressWarnings("unchecked")
    static Map<String, Set<String>> kinesisActionsByRole() {
        Map<String, Set<String>> byRole = new HashMap<>();
        for (Map<String, Object> policy : resources(api, "AWS::IAM::Policy").values()) {
            Map<String, Object> p = props(policy);
            String role = (String) ((Map<String, Object>) ((List<Object>) p.get("Roles")).get(0)).get("Ref");
            for (Object s : (List<Object>) ((Map<String, Object>) p.get("PolicyDocument")).get("Statement")) {
                Map<String, Object> statement = (Map<String, Object>) s;
                Object action = statement.get("Action");
                for (String a : action instanceof List<?> l ? (List<String>) l : List.of((String) action)) {
                    if (a.startsWith("kinesis:")) byRole.computeIfAbsent(role, r -> new TreeSet<>()).add(a + " on " + Json.write(statement.get("Resource")));
                }
            }
        }
        return byRole;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTablesStreamFeedsTheEventExporterWithBoundedRetriesAndAFailureQueue() {
        Map<String, Object> table = props(resources(data, "AWS::DynamoDB::Table").values().iterator().next());
        assertEquals(Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"), table.get("StreamSpecification"));
        Map<String, Object> mapping = props(resources(api, "AWS::Lambda::EventSourceMapping").values().iterator().next());
        assertTrue(Json.write(mapping.get("FunctionName")).contains(functionIdsByHandler().get(EventExportHandler.class.getName())));
        assertTrue(Json.write(mapping.get("EventSourceArn")).contains("StreamArn"), "the table's stream: " + mapping.get("EventSourceArn"));
        assertEquals("TRIM_HORIZON", mapping.get("StartingPosition"));
        assertEquals(new Json.JsonNumber(Integer.toString(EventExport.BATCH_SIZE)), mapping.get("BatchSize"));
        assertEquals(true, mapping.get("BisectBatchOnFunctionError"));
        assertEquals(new Json.JsonNumber(Integer.toString(EventExport.RETRY_ATTEMPTS)), mapping.get("MaximumRetryAttempts"));
        assertEquals(new Json.JsonNumber(Long.toString(EventExport.MAX_RECORD_AGE.toSeconds().longValue())), mapping.get("MaximumRecordAgeInSeconds"));
        assertEquals(List.of("ReportBatchItemFailures"), mapping.get("FunctionResponseTypes"));
        String destination = Json.write(mapping.get("DestinationConfig"));
        assertTrue(destination.contains("EventExportFailures"), destination);
        // Kinesis: the exporter may only PutRecords, the administration only DescribeStreamSummary, on this account's streams.
        String accountStreams = "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":kinesis:\",{\"Ref\":\"AWS::Region\"},\":\","
                + "{\"Ref\":\"AWS::AccountId\"},\":stream/*\"]]}";
        Map<String, Set<String>> kinesis = kinesisActionsByRole();
        assertEquals(Set.of("kinesis:PutRecords on " + accountStreams), kinesis.get(roleOf(EventExportHandler.class.getName())));
        assertEquals(Set.of("kinesis:DescribeStreamSummary on " + accountStreams), kinesis.get(roleOf(AdminHandler.class.getName())));
        assertEquals(2, kinesis.size(), "no other function talks to Kinesis: " + kinesis.keySet());
        // An operator hears of an exporter falling behind, failing, or giving batches up to its failure queue.
        String exporterAlarms = Json.write(resources(api, "AWS::CloudWatch::Alarm").entrySet().stream()
                .filter(alarm -> alarm.getKey().startsWith("EventExportMonitoring")).map(Map.Entry::getValue).toList());
        for (String metric : List.of("IteratorAge", "Errors", "ApproximateNumberOfMessagesVisible")) {
            assertTrue(exporterAlarms.contains("\"MetricName\":\"" + metric + "\""), metric + ": " + exporterAlarms);
        }
        assertTrue(exporterAlarms.contains("EventExportFailures"), "the failure queue's depth");
    }

    @Test
    void eventStreamArnsConfineKinesisToTheStreamsNamed() {
        App app = new App(AppProps.builder().context(Map.of(EventExport.DESTINATIONS_CONTEXT,
                "arn:aws:kinesis:us-east-1:123456789012:stream/crm,arn:aws:kinesis:us-east-1:123456789012:stream/lake")).build());
        assertEquals(List.of("arn:aws:kinesis:us-east-1:123456789012:stream/crm", "arn:aws:kinesis:us-east-1:123456789012:stream/lake"),
                EventExport.destinationArns(app));
        App bad = new App(AppProps.builder().context(Map.of(EventExport.DESTINATIONS_CONTEXT, "arn:aws:sqs:us-east-1:123456789012:q")).build());
        assertThrows(IllegalArgumentException.class, () -> EventExport.destinationArns(bad));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDomainFilesAreAppliedAtDeployByTheirOwnFunction() {
        Map<String, Object> resource = resources(api, "Custom::DomainFiles").values().iterator().next();
        Map<String, Object> p = props(resource);
        assertEquals(OpenProfiles.digest(DomainLoader.classpathFiles()), p.get(ApiStack.DOMAIN_FILES_DIGEST),
                "a change to the files changes the resource, so the deploy applies them again");
        String token = Json.write(p.get("ServiceToken"));
        assertTrue(token.contains(functionIdsByHandler().get(DomainFilesHandler.class.getName())), token);
        assertTrue(resources(data, "Custom::AWS").isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aScheduleRunsTheErasureWorker() {
        Map<String, Object> rule = props(resources(api, "AWS::Events::Rule").values().iterator().next());
        assertEquals("rate(1 minute)", rule.get("ScheduleExpression"));
        assertEquals("ENABLED", rule.get("State"));
        Map<String, Object> target = (Map<String, Object>) ((List<Object>) rule.get("Targets")).get(0);
        assertTrue(Json.write(target.get("Arn")).contains(functionIdsByHandler().get(ErasureHandler.class.getName())));
        assertEquals(new Json.JsonNumber("2"), ((Map<String, Object>) target.get("RetryPolicy")).get("MaximumRetryAttempts"));
    }

    /**
     * The README's ingest-only policy, matched as IAM matches execute-api ARNs ({@code *} is any run
     * of characters, slashes included) against every route of the API, with path values chosen to
     * look like other routes' segments: it allows exactly ingestion, keys and reads (no lifecycle
     * operation: it cannot create, change, merge or erase a profile).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theReadmesIngestOnlyPolicyAllowsProfilesAndNoAdministration() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String json = readme.split("<!-- ingest-only-policy -->")[1].split("```json")[1].split("```")[0];
        Map<String, Object> policy = (Map<String, Object>) Json.parse(json);
        Map<String, Object> statement = (Map<String, Object>) ((List<Object>) policy.get("Statement")).get(0);
        assertEquals("Allow", statement.get("Effect"));
        assertEquals("execute-api:Invoke", statement.get("Action"));
        List<java.util.regex.Pattern> allowed = ((List<String>) statement.get("Resource")).stream()
                .map(r -> java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(r).replace("*", "\\E.*\\Q"))).toList();
        Map<String, String> routes = routes();
        assertEquals(PROFILE_ROUTES + AdminHandler.ROUTES.size(), routes.size());
        for (Map.Entry<String, String> route : routes.entrySet()) {
            String[] methodAndPath = route.getKey().split(" ");
            for (String[] values : new String[][] {{"Shop", "Orders", "CTR"}, {"profiles", "objects", "search"}}) {
                String path = methodAndPath[1].replace("{DomainName}", values[0]).replace("{ObjectTypeName}", values[1])
                        .replace("{TemplateId}", values[2]);
                String arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/" + ApiStack.STAGE + "/" + methodAndPath[0] + path;
                boolean allows = allowed.stream().anyMatch(p -> p.matcher(arn).matches());
                assertEquals(!route.getValue().startsWith(AdminHandler.class.getName())
                        && !route.getValue().startsWith(ProfileLifecycleHandler.class.getName()), allows, arn);
            }
        }
    }

    @Test
    void noUnacknowledgedCdkNagErrors() {
        for (var stack : List.of(stacks.data(), stacks.api())) {
            var errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
            assertTrue(errors.isEmpty(), stack.getStackName() + ": " + errors);
        }
    }

    @Test
    void cfnLintFindsNoErrors() throws Exception {
        Path dir = Files.createTempDirectory("templates");
        List<String> command = new ArrayList<>(List.of("cfn-lint", "--non-zero-exit-code", "error"));
        for (var entry : Map.of(DataStack.NAME, data, ApiStack.NAME, api).entrySet()) {
            Path file = dir.resolve(entry.getKey() + ".template.json");
            Files.writeString(file, Json.write(entry.getValue()), StandardCharsets.UTF_8);
            command.add(file.toString());
        }
        Process lint = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, lint.waitFor(), output);
    }
}

package org.openprofiles.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The contact-record stack: built only when a domain is named, with a stream of its own or the one named by ARN. */
class ContactRecordStackTest {
    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-contact-records";
    static OpenProfiles.Stacks created;
    static OpenProfiles.Stacks named;
    static Template createdTemplate;
    static Template namedTemplate;

    @BeforeAll
    static void synth() {
        created = OpenProfiles.build(app(Map.of(ContactRecordStack.DOMAIN_CONTEXT, "ExampleDomainName")));
        named = OpenProfiles.build(app(Map.of(ContactRecordStack.DOMAIN_CONTEXT, "ExampleDomainName",
                ContactRecordStack.OBJECT_TYPE_CONTEXT, "ContactRecord", ContactRecordStack.STREAM_ARN_CONTEXT, STREAM_ARN)));
        createdTemplate = Template.fromStack(created.contactRecords());
        namedTemplate = Template.fromStack(named.contactRecords());
    }

    static App app(Map<String, Object> context) {
        Map<String, Object> all = new java.util.HashMap<>(context);
        all.put("aws:cdk:enable-path-metadata", true);
        all.put("aws:cdk:enable-asset-metadata", true);
        return new App(AppProps.builder().context(all).build());
    }

    @Test
    void withoutADomainThereIsNoConsumer() {
        assertNull(OpenProfiles.build(app(Map.of())).contactRecords());
    }

    @Test
    void theConsumerReadsItsStreamInBoundedBisectedBatchesReportingItemFailures() {
        for (Template template : List.of(createdTemplate, namedTemplate)) {
            template.resourceCountIs("AWS::Lambda::Function", 1);
            template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
            template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                    "BatchSize", ContactRecordStack.BATCH_SIZE,
                    "MaximumBatchingWindowInSeconds", 1,
                    "BisectBatchOnFunctionError", true,
                    "MaximumRetryAttempts", ContactRecordStack.RETRY_ATTEMPTS,
                    "MaximumRecordAgeInSeconds", ContactRecordStack.MAX_RECORD_AGE.toSeconds(),
                    "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                    "StartingPosition", "TRIM_HORIZON",
                    "DestinationConfig", Match.objectLike(Map.of("OnFailure", Match.objectLike(Map.of()))))));
            template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of("SqsManagedSseEnabled", true)));
        }
        createdTemplate.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", "org.openprofiles.api.ContactRecordStreamHandler::handleRequest",
                "Runtime", "java25",
                "Timeout", ContactRecordStack.TIMEOUT.toSeconds(),
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "OPENPROFILES_CONTACT_RECORDS_DOMAIN", "ExampleDomainName",
                        "OPENPROFILES_CONTACT_RECORDS_OBJECT_TYPE", "CTR"))))));
        namedTemplate.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Environment", Map.of("Variables", Match.objectLike(Map.of("OPENPROFILES_CONTACT_RECORDS_OBJECT_TYPE", "ContactRecord"))))));
    }

    /** Issue 18: an operator hears, on the deployment's one alarm topic, of a consumer falling behind or losing records. */
    @Test
    void theConsumerAlarmsOnTheApiStacksTopicWhenItFallsBehindFailsGivesUpOrSetsRecordsAside() {
        Map<String, Map<String, Object>> alarms = createdTemplate.findResources("AWS::CloudWatch::Alarm");
        Map<String, Object> byMetric = new java.util.TreeMap<>();
        for (Map<String, Object> alarm : alarms.values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) alarm.get("Properties");
            byMetric.put(metricOf(properties), properties.get("Threshold"));
            String actions = String.valueOf(properties.get("AlarmActions"));
            assertTrue(actions.contains("Fn::ImportValue=OpenProfilesApi:") && actions.contains("MonitoringAlarms"), "the API stack's topic: " + actions);
        }
        assertEquals(Map.of(
                "AWS/Lambda/IteratorAge", (Object) StreamConsumerMonitoring.ITERATOR_AGE.toMilliseconds().intValue(),
                "AWS/Lambda/Errors", 1,
                "AWS/SQS/ApproximateNumberOfMessagesVisible", 1,
                "OpenProfiles/ContactRecordsSetAside", 1), byMetric);
        assertTrue(alarms.toString().contains("{Name=Domain, Value=ExampleDomainName}"), "set aside in this domain");
        createdTemplate.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    /** "Namespace/MetricName" of an alarm on one metric, in either of the forms CloudFormation takes. */
    @SuppressWarnings("unchecked")
    static String metricOf(Map<String, Object> alarm) {
        if (alarm.containsKey("MetricName")) return alarm.get("Namespace") + "/" + alarm.get("MetricName");
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) alarm.get("Metrics");
        assertEquals(1, metrics.size(), "one metric: " + metrics);
        Map<String, Object> metric = (Map<String, Object>) ((Map<String, Object>) metrics.get(0).get("MetricStat")).get("Metric");
        return metric.get("Namespace") + "/" + metric.get("MetricName");
    }

    @Test
    void theStreamIsCreatedEncryptedOnDemandUnlessOneIsNamed() {
        createdTemplate.resourceCountIs("AWS::Kinesis::Stream", 1);
        createdTemplate.hasResourceProperties("AWS::Kinesis::Stream", Match.objectLike(Map.of(
                "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND"),
                "StreamEncryption", Match.objectLike(Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")))));
        namedTemplate.resourceCountIs("AWS::Kinesis::Stream", 0);
        namedTemplate.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of("EventSourceArn", STREAM_ARN)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void itsRoleReadsTheStreamAndWritesOnlyItsDomainsItems() {
        Map<String, Map<String, Object>> policies = (Map<String, Map<String, Object>>) (Map<?, ?>) namedTemplate.findResources("AWS::IAM::Policy");
        assertEquals(1, policies.size());
        String document = policies.values().iterator().next().toString();
        for (String granted : List.of("kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", STREAM_ARN, "sqs:SendMessage",
                "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem",
                "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Query",
                "dynamodb:LeadingKeys=[D#ExampleDomainName#*, CONFIG#D#ExampleDomainName, CONFIG#D#ExampleDomainName#T#*]")) {
            assertTrue(document.contains(granted), granted + " in " + document);
        }
        for (String never : List.of("dynamodb:Scan", "dynamodb:*", "kinesis:PutRecord", "kinesis:*")) {
            assertTrue(!document.contains(never), never + " in " + document);
        }
    }

    @Test
    void cfnLintFindsNoErrors() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("contact-records");
        List<String> command = new java.util.ArrayList<>(List.of("cfn-lint", "--non-zero-exit-code", "error"));
        for (var entry : Map.of("created", createdTemplate, "named", namedTemplate).entrySet()) {
            java.nio.file.Path file = dir.resolve(entry.getKey() + ".template.json");
            java.nio.file.Files.writeString(file, org.openprofiles.json.Json.write(TemplatesTest.toPlain(entry.getValue().toJSON())));
            command.add(file.toString());
        }
        Process lint = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, lint.waitFor(), output);
    }

    @Test
    void noUnacknowledgedCdkNagErrors() {
        for (var stack : List.of(created.contactRecords(), named.contactRecords())) {
            var errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
            assertTrue(errors.isEmpty(), stack.getStackName() + ": " + errors.stream().map(e -> e.getId() + " " + e.getEntry().getData()).toList());
        }
    }
}

package org.openprofiles.infra;

import static org.openprofiles.api.RequestLog.CONTACT_RECORDS_SET_ASIDE;
import static org.openprofiles.api.RequestLog.CONTACT_RECORDS_STORED;
import static org.openprofiles.api.RequestLog.CONTACT_RECORDS_TO_RETRY;
import static org.openprofiles.api.RequestLog.CONTACT_RECORDS_UNCHANGED;
import static org.openprofiles.api.RequestLog.NAMESPACE;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openprofiles.api.ContactRecordStreamHandler;
import org.openprofiles.api.FunctionRights;
import org.openprofiles.api.RequestLog;
import software.amazon.awscdk.services.sns.ITopic;
import org.openprofiles.config.Names;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The contact-record stack (stack name {@value #NAME}), deployed only when a domain is named for it: Amazon Connect's
 * contact records from a Kinesis data stream into one domain. The stream is the one named by ARN, or one this stack
 * creates (on-demand, encrypted) for Connect's data streaming to write to. The consumer function has its own role:
 * reading that stream, and the DynamoDB actions of PutProfileObject on that domain's items only. Records that can
 * never be stored are dead letters in the table (README); batches still failing after the bounded retries are
 * described (shard, sequence numbers: the content stays on the stream) in an SQS queue.
 */
public final class ContactRecordStack extends Stack {
    public static final String NAME = "OpenProfilesContactRecords";
    /** Context: the domain contact records go to; without it the stack is not built. */
    public static final String DOMAIN_CONTEXT = "contactRecordsDomain";
    /** Context: the object type, default {@value ContactRecordService#DEFAULT_OBJECT_TYPE}. */
    public static final String OBJECT_TYPE_CONTEXT = "contactRecordsObjectType";
    /** Context: the ARN of an existing stream to read; without it the stack creates one. */
    public static final String STREAM_ARN_CONTEXT = "contactRecordsStreamArn";

    public static final int BATCH_SIZE = ContactRecordStreamHandler.BATCH_SIZE;
    public static final Duration BATCHING_WINDOW = Duration.seconds(1);
    /** Retries of a failing batch (bisected on each error) before it is described in the failure queue and skipped. */
    public static final int RETRY_ATTEMPTS = ContactRecordStreamHandler.RETRY_ATTEMPTS;
    /** Records older than this are not retried any more (a stream keeps them 24 h by default). */
    public static final Duration MAX_RECORD_AGE = Duration.hours(12);
    /** Each put is bounded by the time left. */
    public static final Duration TIMEOUT = Duration.seconds(ContactRecordStreamHandler.TIMEOUT.toSeconds());

    public record Settings(String domainName, String objectTypeName, String streamArn) {
        /** The context values, or null when no domain is named. */
        static Settings fromContext(Construct scope) {
            Object domain = scope.getNode().tryGetContext(DOMAIN_CONTEXT);
            if (domain == null || domain.toString().isBlank()) return null;
            Object type = scope.getNode().tryGetContext(OBJECT_TYPE_CONTEXT);
            Object arn = scope.getNode().tryGetContext(STREAM_ARN_CONTEXT);
            Settings settings = new Settings(domain.toString(), type == null ? ContactRecordService.DEFAULT_OBJECT_TYPE : type.toString(),
                    arn == null || arn.toString().isBlank() ? null : arn.toString());
            if (!Names.NAME.matcher(settings.domainName()).matches()) {
                throw new IllegalArgumentException(DOMAIN_CONTEXT + " '" + settings.domainName() + "' is not a domain name");
            }
            if (!Names.TYPE_NAME.matcher(settings.objectTypeName()).matches()) {
                throw new IllegalArgumentException(OBJECT_TYPE_CONTEXT + " '" + settings.objectTypeName() + "' is not an object type name");
            }
            return settings;
        }
    }

    /** @param alarms the deployment's alarm topic (the API stack's) */
    public ContactRecordStack(Construct scope, StackProps props, ITable table, Path lambdaJar, Settings settings, ITopic alarms) {
        super(scope, NAME, props);
        IStream stream = settings.streamArn() != null
                ? Stream.fromStreamArn(this, "ContactRecords", settings.streamArn())
                : Stream.Builder.create(this, "ContactRecords")
                        .streamMode(StreamMode.ON_DEMAND)
                        .encryption(StreamEncryption.MANAGED)
                        .retentionPeriod(Duration.hours(24))
                        .removalPolicy(RemovalPolicy.RETAIN) // records not yet consumed are customer data
                        .build();

        LogGroup logs = LogGroup.Builder.create(this, "ContactRecordConsumerLogs")
                .retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build();
        Function consumer = Function.Builder.create(this, "ContactRecordConsumer")
                .runtime(Runtime.JAVA_25)
                .code(Code.fromAsset(lambdaJar.toString()))
                .handler(ContactRecordStreamHandler.class.getName() + "::handleRequest")
                .memorySize(1024)
                .timeout(TIMEOUT)
                .environment(Map.of(ProfilesTable.TABLE_NAME_ENV, table.getTableName(),
                        ContactRecordStreamHandler.DOMAIN_ENV, settings.domainName(),
                        ContactRecordStreamHandler.OBJECT_TYPE_ENV, settings.objectTypeName(),
                        "JAVA_TOOL_OPTIONS", ApiStack.JAVA_TOOL_OPTIONS))
                .logGroup(logs)
                .build();
        Grants.give(consumer, FunctionRights.contactRecords(settings.domainName()), table.getTableArn());

        Queue failures = Queue.Builder.create(this, "ContactRecordFailures")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        consumer.addEventSource(KinesisEventSource.Builder.create(stream)
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(BATCH_SIZE)
                .maxBatchingWindow(BATCHING_WINDOW)
                .bisectBatchOnError(true)
                .retryAttempts(RETRY_ATTEMPTS)
                .maxRecordAge(MAX_RECORD_AGE)
                .reportBatchItemFailures(true)
                .onFailure(new SqsDlq(failures))
                .build());

        String domain = settings.domainName();
        new StreamConsumerMonitoring(this, "Monitoring", consumer, failures, alarms,
                List.of(new StreamConsumerMonitoring.ConsumerAlarm("RecordsSetAside", contactRecords(CONTACT_RECORDS_SET_ASIDE, domain), 1,
                        "Contact records that can never be stored were set aside as dead letters (README: list and replay them)")),
                List.of(contactRecords(CONTACT_RECORDS_STORED, domain), contactRecords(CONTACT_RECORDS_UNCHANGED, domain),
                        contactRecords(CONTACT_RECORDS_SET_ASIDE, domain), contactRecords(CONTACT_RECORDS_TO_RETRY, domain)));

        CfnOutput.Builder.create(this, "ContactRecordStreamArn").value(stream.getStreamArn())
                .description("Point Amazon Connect's data streaming (contact records) at this stream").build();
        CfnOutput.Builder.create(this, "ContactRecordFailureQueue").value(failures.getQueueUrl())
                .description("Batches still failing after the retries: shard and sequence numbers to read again").build();
    }

    /** The consumer's per-batch counts (its EMF log line), for its domain. */
    private static software.amazon.awscdk.services.cloudwatch.Metric contactRecords(String name, String domain) {
        return StreamConsumerMonitoring.metric(NAMESPACE, name, RequestLog.DOMAIN, domain);
    }
}

package org.openprofiles.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openprofiles.api.EventExportHandler;
import org.openprofiles.api.FunctionRights;
import org.openprofiles.api.RequestLog;
import org.openprofiles.service.EventStreamService;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The event streams' exporter: a function reading the table's change stream (NEW_AND_OLD_IMAGES) through an
 * event source mapping (batches, bisect on error, bounded retries, ReportBatchItemFailures), writing each domain's
 * events to the Kinesis data stream its event stream names. Batches still failing after the retries are described
 * (shard, sequence numbers) in an SQS queue: their records stay readable on the table's stream for 24 h (README, replay).
 *
 * <p>Which Kinesis streams it may write: event streams are created at run time, so their ARNs are not known at deploy.
 * With the context {@value #DESTINATIONS_CONTEXT} (comma-separated stream ARNs) the exporter and CreateEventStream's
 * check are confined to those; without it, to the Kinesis data streams of this account and region
 * ({@code arn:aws:kinesis:<region>:<account>:stream/*}), never another account's.
 */
final class EventExport extends Construct {
    public static final String DESTINATIONS_CONTEXT = "eventStreamArns";
    public static final int BATCH_SIZE = EventExportHandler.BATCH_SIZE;
    public static final int RETRY_ATTEMPTS = EventExportHandler.RETRY_ATTEMPTS;
    /** Inside the table stream's 24 h retention, so a batch the retries gave up on can still be read again. */
    public static final Duration MAX_RECORD_AGE = Duration.hours(12);
    public static final Duration TIMEOUT = Duration.seconds(EventExportHandler.TIMEOUT.toSeconds());

    final Function function;
    final Queue failures;

    /** The stream ARNs the context names, or this account's and region's streams. */
    static List<String> destinationArns(Construct scope) {
        Object named = scope.getNode().tryGetContext(DESTINATIONS_CONTEXT);
        if (named == null || named.toString().isBlank()) {
            return List.of(Stack.of(scope).formatArn(ArnComponents.builder().service("kinesis").resource("stream").resourceName("*").build()));
        }
        List<String> arns = new ArrayList<>();
        for (String arn : named.toString().split(",")) {
            if (!EventStreamService.KINESIS_STREAM_ARN.matcher(arn.strip()).matches()) {
                throw new IllegalArgumentException(DESTINATIONS_CONTEXT + ": '" + arn.strip() + "' is not a Kinesis data stream ARN");
            }
            arns.add(arn.strip());
        }
        return arns;
    }

    EventExport(Construct scope, String id, ITable table, Code code, List<String> destinations) {
        super(scope, id);
        LogGroup logs = LogGroup.Builder.create(this, "EventExporterLogs")
                .retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build();
        function = Function.Builder.create(this, "EventExporter")
                .runtime(Runtime.JAVA_25)
                .code(code)
                .handler(EventExportHandler.class.getName() + "::handleRequest")
                .memorySize(1024)
                .timeout(TIMEOUT)
                .environment(Map.of(ProfilesTable.TABLE_NAME_ENV, table.getTableName(), "JAVA_TOOL_OPTIONS", ApiStack.JAVA_TOOL_OPTIONS))
                .logGroup(logs)
                .build();
        Grants.give(function, FunctionRights.EVENT_EXPORT, table.getTableArn());
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("kinesis:PutRecords"))
                .resources(destinations)
                .build());

        failures = Queue.Builder.create(this, "EventExportFailures")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        function.addEventSource(DynamoEventSource.Builder.create(table)
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(BATCH_SIZE)
                .bisectBatchOnError(true)
                .retryAttempts(RETRY_ATTEMPTS)
                .maxRecordAge(MAX_RECORD_AGE)
                .reportBatchItemFailures(true)
                .onFailure(new SqsDlq(failures))
                .build());
    }

    /**
     * The alarms of every stream consumer (falling behind, failing invocations, batches given up) on the deployment's
     * topic, and a dashboard of the events written, refused by Kinesis (each time, retried) and left for Lambda's retry.
     */
    void monitor(ITopic topic) {
        new StreamConsumerMonitoring(this, "Monitoring", function, failures, topic, List.of(),
                List.of(count(RequestLog.EVENTS_EXPORTED), count(RequestLog.EVENTS_REFUSED), count(RequestLog.EVENTS_TO_RETRY)));
    }

    private static Metric count(String name) {
        return Metric.Builder.create().namespace(RequestLog.NAMESPACE).metricName(name).statistic("Sum")
                .period(Duration.minutes(5)).label(name).build();
    }
}

package org.openprofiles.infra;

import static org.openprofiles.api.RequestLog.ERASURE_FAILURES;
import static org.openprofiles.api.RequestLog.ERASURE_ITEMS_ERASED;
import static org.openprofiles.api.RequestLog.ERASURE_JOBS_FINISHED;
import static org.openprofiles.api.RequestLog.ERASURE_JOBS_PENDING;
import static org.openprofiles.api.RequestLog.LATENCY;
import static org.openprofiles.api.RequestLog.NAMESPACE;
import static org.openprofiles.api.RequestLog.OPERATION;
import static org.openprofiles.api.RequestLog.REQUESTS;
import static org.openprofiles.api.RequestLog.SERVER_ERRORS;
import static org.openprofiles.api.RequestLog.THROTTLED;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.api.RequestLog;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.Operation;
import software.amazon.awscdk.services.dynamodb.OperationsMetricOptions;
import software.amazon.awscdk.services.dynamodb.SystemErrorsForOperationsMetricOptions;
import software.amazon.awscdk.services.kms.Alias;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * What the person who runs the service watches: alarms on the functions' own metrics (the request
 * log lines, Embedded Metric Format: {@link RequestLog}) and on the table's, all sent to one SNS topic
 * (with an e-mail subscription when the deploy names an address), and one dashboard with the same.
 */
final class Monitoring extends Construct {
    /** The data-plane operations and the p99 latency (ms) above which each alarms: well inside the 15 s function timeout. */
    static final Map<String, Integer> P99_LATENCY_MS = p99Thresholds();
    /** Share of requests (%) over five minutes above which the service alarms. */
    static final int SERVER_ERROR_PERCENT = 1;
    static final int THROTTLED_PERCENT = 5;
    /** DynamoDB requests throttled in five minutes, above which the table alarms (the SDK and the functions retry a few). */
    static final int TABLE_THROTTLES = 25;
    /** The DynamoDB operations the functions call (the table's per-operation metrics). */
    static final List<Operation> TABLE_OPERATIONS = List.of(Operation.BATCH_GET_ITEM, Operation.QUERY, Operation.SCAN, Operation.PUT_ITEM,
            Operation.UPDATE_ITEM, Operation.DELETE_ITEM, Operation.BATCH_WRITE_ITEM, Operation.TRANSACT_WRITE_ITEMS);

    private static final Duration FIVE_MINUTES = Duration.minutes(5);

    final Topic topic;
    final List<IAlarm> alarms = new ArrayList<>();

    Monitoring(Construct scope, String id, ITable table, String alarmEmail) {
        super(scope, id);
        topic = Topic.Builder.create(this, "Alarms")
                .displayName("openprofiles alarms")
                .enforceSsl(true)
                .masterKey(Alias.fromAliasName(this, "SnsKey", "alias/aws/sns"))
                .build();
        if (alarmEmail != null && !alarmEmail.isBlank()) topic.addSubscription(new EmailSubscription(alarmEmail));

        Metric requests = service(REQUESTS, "Sum");
        MathExpression serverErrorRate = percent("ServerErrorRate", "errors", service(SERVER_ERRORS, "Sum"), requests);
        MathExpression throttledRate = percent("ThrottledRate", "throttled", service(THROTTLED, "Sum"), requests);
        alarm("ServerErrors", serverErrorRate, SERVER_ERROR_PERCENT,
                "More than " + SERVER_ERROR_PERCENT + "% of requests answered 5xx (InternalServerException) in 2 of 3 five-minute periods");
        alarm("Throttling", throttledRate, THROTTLED_PERCENT,
                "More than " + THROTTLED_PERCENT + "% of requests answered 429 (ThrottlingException) in 2 of 3 five-minute periods");
        List<IMetric> p99s = new ArrayList<>();
        P99_LATENCY_MS.forEach((operation, limit) -> {
            Metric p99 = Metric.Builder.create().namespace(NAMESPACE).metricName(LATENCY).dimensionsMap(Map.of(OPERATION, operation))
                    .statistic("p99").period(FIVE_MINUTES).label(operation + " p99").build();
            p99s.add(p99);
            alarm(operation + "Latency", p99, limit, operation + " p99 latency above " + limit + " ms in 2 of 3 five-minute periods");
        });
        IMetric tableThrottles = table.metricThrottledRequestsForOperations(OperationsMetricOptions.builder()
                .operations(TABLE_OPERATIONS).period(FIVE_MINUTES).label("DynamoDB throttled requests").build());
        IMetric tableErrors = table.metricSystemErrorsForOperations(SystemErrorsForOperationsMetricOptions.builder()
                .operations(TABLE_OPERATIONS).period(FIVE_MINUTES).label("DynamoDB system errors").build());
        alarm("TableThrottles", tableThrottles, TABLE_THROTTLES, "DynamoDB throttled more than " + TABLE_THROTTLES
                + " of the functions' requests in 2 of 3 five-minute periods");
        alarm("TableSystemErrors", tableErrors, 0, "DynamoDB answered the functions with system errors (500) in 2 of 3 five-minute periods");

        // The erasure worker runs every minute: pending work that erased nothing for an hour is stuck; failing runs, too.
        MathExpression erasureStalled = MathExpression.Builder.create()
                .expression("IF(pending > 0 AND (erased + finished) == 0, 1, 0)")
                .usingMetrics(Map.of("pending", service(ERASURE_JOBS_PENDING, "Maximum", Duration.hours(1)),
                        "erased", service(ERASURE_ITEMS_ERASED, "Sum", Duration.hours(1)),
                        "finished", service(ERASURE_JOBS_FINISHED, "Sum", Duration.hours(1))))
                .period(Duration.hours(1)).label("Erasure stalled").build();
        alarms.add(register(Alarm.Builder.create(this, "ErasureStalled").metric(erasureStalled).threshold(1).evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD).treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("Deleted domains or object types are waiting for erasure, and none progressed for an hour").build()));
        Metric erasureFailures = service(ERASURE_FAILURES, "Sum", Duration.minutes(15));
        alarms.add(register(Alarm.Builder.create(this, "ErasureFailing").metric(erasureFailures).threshold(3).evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD).treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription("The erasure worker failed 3 or more of its runs in 15 minutes").build()));

        Dashboard.Builder.create(this, "Dashboard").defaultInterval(Duration.hours(3)).widgets(List.of(
                List.<IWidget>of(AlarmStatusWidget.Builder.create().title("Alarms").alarms(alarms).width(24).build()),
                List.<IWidget>of(
                        graph("Requests and errors", List.of(requests, service(SERVER_ERRORS, "Sum"), service(THROTTLED, "Sum"),
                                service(RequestLog.NOT_FOUND, "Sum"), service(RequestLog.BAD_REQUEST, "Sum"))),
                        graph("Error rates (%)", List.of(serverErrorRate, throttledRate)),
                        graph("p99 latency per operation (ms)", p99s)),
                List.<IWidget>of(
                        graph("DynamoDB calls, retries, transaction conflicts", List.of(service(RequestLog.DYNAMODB_CALLS, "Sum"),
                                service(RequestLog.DYNAMODB_RETRIES, "Sum"), service(RequestLog.TRANSACTION_CONFLICTS, "Sum"))),
                        // Two graphs: the table's per-operation expressions share their metrics' ids.
                        graph("DynamoDB throttled requests", List.of(tableThrottles)),
                        graph("DynamoDB system errors", List.of(tableErrors))),
                List.<IWidget>of(
                        graph("Erasure", List.of(service(ERASURE_JOBS_PENDING, "Maximum"), service(ERASURE_ITEMS_ERASED, "Sum"),
                                service(ERASURE_FAILURES, "Sum"))))))
                .build();
    }

    private static Map<String, Integer> p99Thresholds() {
        Map<String, Integer> limits = new LinkedHashMap<>();
        for (String operation : List.of("PutProfileObject", "AddProfileKey", "SearchProfiles", "ListProfileObjects", "BatchGetProfile",
                "CreateProfile", "UpdateProfile", "DeleteProfileKey", "DeleteProfileObject", "ListProfileHistoryRecords",
                "GetProfileHistoryRecord")) {
            limits.put(operation, 3000);
        }
        // These two work through all of a profile's objects (up to 1000 records: about 1 s measured locally).
        limits.put("DeleteProfile", 10_000);
        limits.put("MergeProfiles", 10_000);
        // Calculated attribute reads: one profile's objects (up to 1000: 11 reads), or 100 profiles' (read 8 at a time).
        limits.put("GetCalculatedAttributeForProfile", 3000);
        limits.put("ListCalculatedAttributesForProfile", 3000);
        limits.put("BatchGetCalculatedAttributeForProfile", 10_000);
        return limits;
    }

    private static Metric service(String name, String statistic) {
        return service(name, statistic, FIVE_MINUTES);
    }

    /** A metric over the whole service (the request lines' dimensionless set). */
    private static Metric service(String name, String statistic, Duration period) {
        return Metric.Builder.create().namespace(NAMESPACE).metricName(name).statistic(statistic).period(period).label(name).build();
    }

    /** 100 · part / requests ({@code partId}: the part's id, unique on a graph that shows several rates). */
    private static MathExpression percent(String label, String partId, Metric part, Metric requests) {
        return MathExpression.Builder.create().expression("IF(requests > 0, 100 * " + partId + " / requests, 0)")
                .usingMetrics(Map.of(partId, part, "requests", requests)).period(FIVE_MINUTES).label(label).build();
    }

    /** An alarm when the metric is above {@code threshold} in 2 of the last 3 periods; no data is not a breach. */
    private void alarm(String id, IMetric metric, double threshold, String description) {
        alarms.add(register(Alarm.Builder.create(this, id).metric(metric).threshold(threshold).evaluationPeriods(3).datapointsToAlarm(2)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription(description).build()));
    }

    private Alarm register(Alarm alarm) {
        alarm.addAlarmAction(new SnsAction(topic));
        return alarm;
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(8).build();
    }
}

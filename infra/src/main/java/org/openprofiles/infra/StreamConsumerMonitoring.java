package org.openprofiles.infra;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * What an operator of a stream-consuming function needs (issue 18): alarms, on the stack's one alarm topic, when the
 * function falls behind its stream (iterator age), fails whole invocations, or gives batches up to its failure queue,
 * plus the consumer's own alarms (records set aside, ...); and a dashboard of them beside its progress.
 */
final class StreamConsumerMonitoring extends Construct {
    /** Behind the stream by more than this (the age of the last record of a batch when it was read), the consumer alarms. */
    static final Duration ITERATOR_AGE = Duration.minutes(5);
    private static final Duration FIVE_MINUTES = Duration.minutes(5);

    /** An alarm of the consumer's own: at or above {@code threshold} in one five-minute period. */
    record ConsumerAlarm(String id, IMetric metric, double threshold, String description) {}

    final List<IAlarm> alarms = new ArrayList<>();
    private final ITopic topic;

    StreamConsumerMonitoring(Construct scope, String id, Function consumer, IQueue failures, ITopic topic,
                             List<ConsumerAlarm> consumerAlarms, List<IMetric> progress) {
        super(scope, id);
        this.topic = topic;
        IMetric iteratorAge = consumer.metric("IteratorAge", MetricOptions.builder().statistic("Maximum").period(FIVE_MINUTES)
                .label("Iterator age (ms)").build());
        IMetric errors = consumer.metricErrors(MetricOptions.builder().period(FIVE_MINUTES).label("Failed invocations").build());
        IMetric givenUp = failures.metricApproximateNumberOfMessagesVisible(MetricOptions.builder().statistic("Maximum")
                .period(FIVE_MINUTES).label("Batches given up (failure queue)").build());
        alarm("FallingBehind", iteratorAge, ITERATOR_AGE.toMilliseconds().doubleValue(), 3, 2,
                "The consumer reads records more than " + ITERATOR_AGE.toMinutes() + " minutes after they reached the stream, in 2 of 3 "
                        + "five-minute periods: it is falling behind, and records older than the mapping's maximum age are skipped");
        alarm("FailingInvocations", errors, 1, 3, 2, "Whole invocations failed (the function threw or timed out) in 2 of 3 five-minute periods");
        alarm("BatchesGivenUp", givenUp, 1, 1, 1,
                "Batches still failing after the retries were given up: read their shard and sequence numbers in the failure queue");
        for (ConsumerAlarm own : consumerAlarms) alarm(own.id(), own.metric(), own.threshold(), 1, 1, own.description());

        Dashboard.Builder.create(this, "Dashboard").defaultInterval(Duration.hours(3)).widgets(List.of(
                List.<IWidget>of(AlarmStatusWidget.Builder.create().title("Alarms").alarms(alarms).width(24).build()),
                List.<IWidget>of(
                        graph("Records", progress),
                        graph("Iterator age (ms)", List.of(iteratorAge)),
                        graph("Failures", List.of(errors, givenUp)))))
                .build();
    }

    /** A metric of the service's namespace, by one dimension. */
    static Metric metric(String namespace, String name, String dimension, String value) {
        return Metric.Builder.create().namespace(namespace).metricName(name).dimensionsMap(java.util.Map.of(dimension, value))
                .statistic("Sum").period(FIVE_MINUTES).label(name).build();
    }

    private void alarm(String id, IMetric metric, double threshold, int periods, int breaching, String description) {
        Alarm alarm = Alarm.Builder.create(this, id).metric(metric).threshold(threshold)
                .evaluationPeriods(periods).datapointsToAlarm(breaching)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD).treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription(description).build();
        alarm.addAlarmAction(new SnsAction(topic));
        alarms.add(alarm);
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(8).build();
    }
}

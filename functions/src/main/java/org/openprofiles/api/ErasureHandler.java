package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.service.ErasureWorker;

/**
 * The erasure worker function, invoked by a schedule (the CDK app's EventBridge rule): runs due
 * erasures in bounded steps until {@link #BUDGET} (or the invocation's remaining time, less a
 * margin) is spent. The next invocation resumes from the checkpoints, also after a failure.
 */
public final class ErasureHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** Work per invocation: less than the schedule's minute, so runs rarely overlap (and overlapping runs are safe). */
    public static final Duration BUDGET = Duration.ofSeconds(45);
    /** The function's timeout: the budget, one more step, and the margin. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final Duration MARGIN = Duration.ofSeconds(20);

    private final ErasureWorker worker;
    private final Clock clock;

    public ErasureHandler() {
        this(Container.erasureWorker(), Clock.systemUTC());
    }

    public ErasureHandler(ErasureWorker worker, Clock clock) {
        this.worker = worker;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> scheduledEvent, Context context) {
        Instant until = clock.instant().plus(BUDGET);
        if (context != null) {
            Instant ends = clock.instant().plusMillis(context.getRemainingTimeInMillis()).minus(MARGIN);
            if (ends.isBefore(until)) until = ends;
        }
        // Every DynamoDB call ends within the invocation (outside Lambda, within the deployed function's timeout).
        Duration remaining = context != null && context.getRemainingTimeInMillis() > 0
                ? Duration.ofMillis(context.getRemainingTimeInMillis()) : TIMEOUT;
        Deadline deadline = Deadline.in(remaining.minus(Api.ANSWER_MARGIN));
        try {
            ErasureWorker.Report report = worker.run(until, deadline);
            RequestLog.erasure(report, false);
            return report.toMap();
        } catch (RuntimeException e) {
            // The next scheduled run resumes from the checkpoints; the operator sees the failure as a metric.
            RequestLog.erasure(null, true);
            throw e;
        }
    }
}

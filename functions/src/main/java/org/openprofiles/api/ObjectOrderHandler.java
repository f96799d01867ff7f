package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.service.ObjectOrderMigration;

/**
 * The one-time migration after upgrading from a version that listed objects in key order (README, "Upgrading"):
 * invoked by hand, {@code {}} to start or {@code {"cursor": "..."}} to continue; answers how many objects it reordered
 * and, until the table is done, the cursor to continue from.
 */
public final class ObjectOrderHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** Work per invocation, well inside the function's timeout. */
    static final Duration BUDGET = Duration.ofSeconds(45);
    /** Kept for the last step (one Scan page and the updates of its objects). */
    static final Duration STEP_TIME = Duration.ofSeconds(10);
    /** The function's timeout: the budget and one more step, with room to answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final ObjectOrderMigration migration;
    private final Clock clock;

    public ObjectOrderHandler() {
        this(Container.objectOrderMigration(), Clock.systemUTC());
    }

    public ObjectOrderHandler(ObjectOrderMigration migration, Clock clock) {
        this.migration = migration;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object cursor = event == null ? null : event.get("cursor");
        Deadline deadline = Api.deadline(context);
        // No step starts once a step's time (a page's conditional updates) would no longer fit before the deadline.
        Duration left = deadline.remaining().minus(STEP_TIME);
        ObjectOrderMigration.Progress progress = migration.run(cursor instanceof String c && !c.isEmpty() ? c : null,
                clock.instant().plus(left.compareTo(BUDGET) < 0 ? left : BUDGET), deadline);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reordered", progress.reordered());
        if (progress.cursor() != null) out.put("cursor", progress.cursor());
        else out.put("done", true);
        return out;
    }
}

package org.openprofiles.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.config.DataEraser;
import org.openprofiles.store.config.Erasure;
import org.openprofiles.store.config.ErasureJob;
import org.openprofiles.store.config.ErasureLedger;
import org.openprofiles.store.table.DynamoDbClients;

/**
 * Erases what DeleteDomain and DeleteProfileObjectType left behind (and finishes abandoned profile
 * deletions and merges, {@link AbandonedOperations}), in bounded steps that resume
 * after a failure: the jobs are the tombstones listed in the configuration registry, each step
 * scans one page and deletes what matched, and the tombstone records the page reached. Run on a
 * schedule (the CDK app's worker function; the local API's timer): each run works until its
 * deadline and the next run continues where it stopped, also after a crash.
 *
 * <p>A job starts only after {@link #GRACE}: a request that read the configuration before the
 * deletion may still be writing until then (every request ends within the function timeout), and
 * its writes must be erased too, not left behind.
 */
public final class ErasureWorker {
    /** Twice the function timeout: no request that saw the domain or type alive is still running after it. */
    public static final Duration GRACE = DynamoDbClients.FUNCTION_TIMEOUT.multipliedBy(2);
    /** Items scanned per step (one Scan page; at most 1 MB read, at most this many deletes). */
    public static final int PAGE_SIZE = 500;

    /** What one run did; {@code abandonedFinished}: deletions and merges whose function died, finished ({@link AbandonedOperations}). */
    public record Report(int finished, int pending, long erased, int abandonedFinished) {
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("finished", finished);
            map.put("pending", pending);
            map.put("erased", erased);
            map.put("abandonedFinished", abandonedFinished);
            return map;
        }
    }

    private final ErasureLedger ledger;
    private final DataEraser eraser;
    private final AbandonedOperations abandoned;
    private final Clock clock;
    private final int pageSize;

    public ErasureWorker(ErasureLedger ledger, DataEraser eraser, AbandonedOperations abandoned, Clock clock, int pageSize) {
        this.ledger = ledger;
        this.eraser = eraser;
        this.abandoned = abandoned;
        this.clock = clock;
        this.pageSize = pageSize;
    }

    /**
     * Works on every due job, step by step, until each is finished or {@code until} has passed.
     *
     * @param until    on this worker's clock: no step starts after it
     * @param deadline the invocation's: every DynamoDB call ends by it (a step started just before {@code until} may
     *                 run past that, never past this)
     */
    public Report run(Instant until, Deadline deadline) {
        int finished = 0;
        int pending = 0;
        long erased = 0;
        List<ErasureJob> jobs = ledger.jobs(deadline);
        Set<String> wholeDomains = new HashSet<>();
        for (ErasureJob job : jobs) if (job.wholeDomain() && job.erasure() != null) wholeDomains.add(job.domainName());
        for (ErasureJob job : jobs) {
            if (job.erasure() == null || (!job.wholeDomain() && wholeDomains.contains(job.domainName()))) {
                ledger.forget(job, deadline); // its tombstone went, or goes, with its whole domain
                continue;
            }
            if (clock.instant().getEpochSecond() < job.erasure().notBefore()) {
                pending++;
                continue;
            }
            List<String> prefixes = DataEraser.prefixes(job);
            ErasureJob current = job;
            while (true) {
                if (!clock.instant().isBefore(until)) {
                    pending++;
                    break;
                }
                DataEraser.Step step = eraser.step(prefixes, current.erasure().cursor(), pageSize, deadline);
                erased += step.deleted();
                long total = current.erasure().erased() + step.deleted();
                if (step.nextCursor() == null) {
                    ledger.finish(current, deadline);
                    finished++;
                    log(current, total);
                    break;
                }
                if (!ledger.saveProgress(current, step.nextCursor(), total, deadline)) break; // another worker has it
                Erasure progress = current.erasure();
                current = new ErasureJob(current.id(), current.domainName(), current.typeName(),
                        new Erasure(progress.deletedAt(), progress.notBefore(), step.nextCursor(), total));
            }
        }
        return new Report(finished, pending, erased, abandoned.finish(until));
    }

    /** The operator's record that a deletion finished: names only, never data. */
    private static void log(ErasureJob job, long erased) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "INFO");
        line.put("event", "erasureFinished");
        line.put("domain", job.domainName());
        if (job.typeName() != null) line.put("objectType", job.typeName());
        line.put("itemsErased", erased);
        System.out.println(Json.write(line));
    }
}

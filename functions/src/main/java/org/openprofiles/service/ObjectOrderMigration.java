package org.openprofiles.service;

import java.time.Clock;
import java.time.Instant;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfileStore.ReorderStep;

/**
 * The one-time migration of a table written by versions that listed a profile's objects in key order: each object
 * gets the newest-first sort key of its last write (objects written since already have it). Page by page until done or
 * until the run's time is up; the cursor it returns continues it. Safe to run again, and alongside live traffic.
 */
public final class ObjectOrderMigration {
    /** Items scanned per step (one Scan page). */
    public static final int PAGE_SIZE = 500;

    /** What a run did; {@code cursor} where the next run continues, null once the whole table is done. */
    public record Progress(long reordered, String cursor) {}

    private final ProfileStore store;
    private final Clock clock;

    public ObjectOrderMigration(ProfileStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** From {@code cursor} (null: the start), steps until the table is done or {@code until} has passed. */
    public Progress run(String cursor, Instant until, Deadline deadline) {
        long reordered = 0;
        String next = cursor;
        do {
            ReorderStep step = store.reorderObjects(next, PAGE_SIZE, deadline);
            reordered += step.reordered();
            next = step.nextCursor();
        } while (next != null && clock.instant().isBefore(until));
        return new Progress(reordered, next);
    }
}

package org.openprofiles.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.config.ConfigStore;
import org.openprofiles.store.ProfileStore;

/**
 * Finishes every DeleteProfile and MergeProfiles whose function died and that no request has met
 * since (a profile whose key values were already taken away is met by no put): run by the erasure
 * worker's schedule, so none stays half done longer than its function timeout plus a minute.
 */
public final class AbandonedOperations {
    private final ConfigStore config;
    private final Domains domains;
    private final ProfileStore store;
    private final Clock clock;

    public AbandonedOperations(ConfigStore config, Domains domains, ProfileStore store, Clock clock) {
        this.config = config;
        this.domains = domains;
        this.store = store;
        this.clock = clock;
    }

    /** Finishes what it finds in every domain, until {@code until}; returns how many it finished. */
    public int finish(Instant until) {
        int finished = 0;
        for (String name : config.registry().domains()) {
            Duration left = Duration.between(clock.instant(), until);
            if (left.isNegative() || left.isZero()) break;
            Domain domain;
            try {
                domain = domains.get(name);
            } catch (ServiceException gone) {
                continue; // deleted meanwhile: its erasure takes everything
            }
            finished += store.ops().finishAbandoned(name, ProfileLifecycleService.typeNames(domain), Deadline.in(left));
        }
        return finished;
    }
}

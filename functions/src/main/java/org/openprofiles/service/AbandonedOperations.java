package org.openprofiles.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.ProfileStore;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Finishes every DeleteProfile and MergeProfiles whose function died and that no request has met
 * since (a profile whose key values were already taken away is met by no put): run by the erasure
 * worker's schedule, so none stays half done longer than its function timeout plus a minute.
 */
public final class AbandonedOperations {
    /** Less time left than this: not worth starting on a domain. */
    static final Duration MIN_TIME = Duration.ofSeconds(1);
    private final ConfigReads config;
    private final Domains domains;
    private final ProfileStore store;
    private final Clock clock;

    public AbandonedOperations(ConfigReads config, Domains domains, ProfileStore store, Clock clock) {
        this.config = config;
        this.domains = domains;
        this.store = store;
        this.clock = clock;
    }

    /** Finishes what it finds in every domain, until {@code until}; returns how many it finished. */
    public int finish(Instant until) {
        int finished = 0;
        Duration budget = Duration.between(clock.instant(), until);
        if (budget.compareTo(MIN_TIME) < 0) return finished; // not even the registry is worth reading
        for (String name : config.registry(Deadline.in(budget)).domains()) {
            Duration left = Duration.between(clock.instant(), until);
            if (left.compareTo(MIN_TIME) < 0) break; // the next run goes on
            try {
                Deadline deadline = Deadline.in(left);
                Domain domain = domains.get(name, deadline);
                finished += store.finishAbandoned(name, ProfileLifecycleService.typeNames(domain), deadline);
            } catch (ServiceException | SdkException failed) {
                // A deleted domain (its erasure takes everything), throttling, no time left: the next run tries again.
                // Visible to an operator, with names only (never profile data).
                System.out.println(Json.write(Map.of("level", "WARN", "event", "abandonedOperationsNotFinished", "domain", name,
                        "error", failed.getClass().getSimpleName())));
            }
        }
        return finished;
    }
}

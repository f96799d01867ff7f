package org.openprofiles.service;

import java.util.Objects;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.config.ConfigRead;

/**
 * PutProfileObject decides with the configuration its container has cached, and confirms it: a
 * changed configuration means deciding again with the current one, a bounded number of times.
 */
final class ConfigurationChanges {
    /** Decisions per request; past it the configuration is changing faster than requests can run. */
    static final int MAX_CONFIGURATIONS = 5;

    private ConfigurationChanges() {}

    /** Whether {@code current} differs from what the request used (then it decides again). */
    static boolean changed(ConfiguredDomain used, ConfiguredDomain current, int configurations) {
        if (Objects.equals(used.version(), current.version())) return false;
        if (configurations >= MAX_CONFIGURATIONS) throw tooFrequent();
        return true;
    }

    /**
     * A refusal (400) made with a cached configuration stands only once that configuration is
     * confirmed current: one small consistent read. Returns the current configuration to decide
     * again with, or rethrows {@code refused}.
     */
    static ConfiguredDomain recheck(Domains domains, ConfiguredDomain used, ServiceException refused, int configurations,
                                    Deadline deadline) {
        if (used.version() == null) throw refused;
        ConfiguredDomain current = domains.current(used.domain().name(), deadline);
        if (!changed(used, current, configurations)) throw refused;
        return current;
    }

    /**
     * Thrown from inside a store call, right after the read that confirmed the configuration,
     * when it changed: nothing was written, and the request decides again with {@code current}.
     */
    static final class Changed extends RuntimeException {
        final ConfiguredDomain current;

        Changed(ConfiguredDomain current) {
            super(null, null, false, false);
            this.current = current;
        }
    }

    /** The check to run after a read that took {@code probe} along: throws {@link Changed} when {@code used} is stale. */
    static Runnable confirm(Domains domains, ConfiguredDomain used, ConfigRead probe, int configurations, Deadline deadline) {
        return () -> {
            if (probe == null) return;
            ConfiguredDomain current = domains.confirm(used, probe, deadline);
            if (changed(used, current, configurations)) throw new Changed(current);
        };
    }

    static ServiceException tooFrequent() {
        return new ServiceException(ServiceException.Type.ThrottlingException,
                "The domain's configuration kept changing during this request; retry with backoff");
    }
}

package org.openprofiles.service;

import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.store.config.ConfigRead;

/**
 * Where the services find a domain's configuration. In production ({@link LiveDomains}) it lives in
 * the table and every container caches it compiled, checking per request that it is still current;
 * tests may use a fixed set ({@link #fixed}). Every read is bounded by the request's deadline.
 */
public interface Domains {
    /**
     * The domain as of this call: every configuration change that returned before it began is seen,
     * on every container.
     *
     * @throws org.openprofiles.model.ServiceException ResourceNotFoundException for an unknown or deleted domain
     */
    ConfiguredDomain current(String domainName, Deadline deadline);

    /** {@link #current}'s domain. */
    default Domain get(String domainName, Deadline deadline) {
        return current(domainName, deadline).domain();
    }

    /**
     * The domain as this container last saw it, without reading when it has it: the caller confirms
     * it with {@link #confirm} on a {@link #probe} it folded into its own consistent read.
     */
    default ConfiguredDomain cached(String domainName, Deadline deadline) {
        return current(domainName, deadline);
    }

    /** The domain's configuration item, to read in the caller's own consistent BatchGetItem; null when the configuration is fixed. */
    default ConfigRead probe(String domainName) {
        return null;
    }

    /**
     * After the read {@code probe} took part in: {@code used} itself when it is still current,
     * otherwise the current configuration (the caller decides again with it).
     *
     * @throws org.openprofiles.model.ServiceException ResourceNotFoundException when the domain is gone
     */
    default ConfiguredDomain confirm(ConfiguredDomain used, ConfigRead probe, Deadline deadline) {
        return used;
    }

    /** A domain to send SnapStart priming requests to (one that exists when there is one). */
    String first();

    /** A fixed set of domains (tests, tools): no configuration is read. */
    static Domains fixed(Map<String, Domain> byName) {
        return new FixedDomains(byName);
    }
}

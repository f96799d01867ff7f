package org.openprofiles.service;

import java.util.HashMap;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.model.ServiceException;

/** Domains given once (tests and tools), never read from the table. */
final class FixedDomains implements Domains {
    private final Map<String, ConfiguredDomain> byName = new HashMap<>();

    FixedDomains(Map<String, Domain> domains) {
        domains.forEach((name, domain) -> byName.put(name, new ConfiguredDomain(domain, null)));
    }

    @Override
    public ConfiguredDomain current(String domainName, Deadline deadline) {
        ConfiguredDomain domain = byName.get(domainName);
        if (domain == null) throw ServiceException.notFound("Domain '" + domainName + "' does not exist");
        return domain;
    }

    @Override
    public String first() {
        return byName.keySet().stream().sorted().findFirst().orElseThrow(() -> new IllegalStateException("no domains configured"));
    }
}

package org.openprofiles.service;

import java.util.Map;
import org.openprofiles.model.Domain;
import org.openprofiles.model.ServiceException;

/** The domains this deployment serves, loaded once per container. */
public record Domains(Map<String, Domain> byName) {
    public Domains {
        byName = Map.copyOf(byName);
    }

    /** The first domain by name: what SnapStart priming sends its requests to. */
    public String first() {
        return byName.keySet().stream().sorted().findFirst().orElseThrow(() -> new IllegalStateException("no domains configured"));
    }

    /** @throws ServiceException ResourceNotFoundException for an unknown domain */
    public Domain get(String domainName) {
        Domain domain = byName.get(domainName);
        if (domain == null) throw ServiceException.notFound("Domain '" + domainName + "' does not exist");
        return domain;
    }
}

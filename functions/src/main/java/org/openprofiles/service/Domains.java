package org.openprofiles.service;

import java.util.Map;
import org.openprofiles.model.Domain;
import org.openprofiles.model.ServiceException;

/** The domains this deployment serves, loaded once per container. */
public record Domains(Map<String, Domain> byName) {
    public Domains {
        byName = Map.copyOf(byName);
    }

    /** @throws ServiceException ResourceNotFoundException for an unknown domain */
    public Domain get(String domainName) {
        Domain domain = byName.get(domainName);
        if (domain == null) throw ServiceException.notFound("Domain '" + domainName + "' does not exist");
        return domain;
    }
}

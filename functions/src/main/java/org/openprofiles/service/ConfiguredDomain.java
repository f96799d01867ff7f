package org.openprofiles.service;

import org.openprofiles.model.Domain;

/**
 * A compiled domain and the configuration version it was compiled from (null when the
 * configuration is fixed and never changes).
 */
public record ConfiguredDomain(Domain domain, String version) {}

package org.openprofiles.store.config;

import java.util.Set;

/**
 * The registry item: the domains' names (ListDomains) and the pending erasures' tombstone keys (the erasure worker's
 * to-do list).
 */
public record Registry(Set<String> domains, Set<String> erasures) {}

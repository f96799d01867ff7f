package org.openprofiles.store.config;

/**
 * One pending erasure in the registry: its tombstone's key, the domain, and the type (null for a whole domain).
 *
 * @param erasure the tombstone's state, or null when the tombstone is gone (the job is only to be forgotten)
 */
public record ErasureJob(String id, String domainName, String typeName, Erasure erasure) {
    public boolean wholeDomain() { return typeName == null; }
}

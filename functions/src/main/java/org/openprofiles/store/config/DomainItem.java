package org.openprofiles.store.config;

import java.util.Set;

/**
 * A domain's configuration item.
 *
 * @param version     changes with every change to the domain or its object types (see {@link ConfigItems})
 * @param definition  the domain's settings as accepted (JSON: DefaultExpirationDays, Tags, ...)
 * @param createdAt   epoch seconds, as {@code updatedAt}
 * @param types       the names of its object types
 * @param erasure     null for a live domain; set once it is deleted and its data is being erased
 * @param eventStream the domain's event stream, or null
 */
public record DomainItem(String name, String version, String definition, long createdAt, long updatedAt,
                         Set<String> types, Erasure erasure, EventStream eventStream) {
    public boolean deleting() { return erasure != null; }
}

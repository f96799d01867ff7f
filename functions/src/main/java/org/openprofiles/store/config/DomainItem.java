package org.openprofiles.store.config;

import java.util.Map;
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
 * @param calculated  its calculated attribute definitions, name → stored JSON (Amazon Connect's defaults are not stored)
 * @param deletedDefaults the defaults deleted and not created again
 */
public record DomainItem(String name, String version, String definition, long createdAt, long updatedAt,
                         Set<String> types, Erasure erasure, EventStream eventStream, Map<String, String> calculated,
                         Set<String> deletedDefaults) {
    public DomainItem(String name, String version, String definition, long createdAt, long updatedAt, Set<String> types, Erasure erasure,
                      EventStream eventStream) {
        this(name, version, definition, createdAt, updatedAt, types, erasure, eventStream, Map.of(), Set.of());
    }

    public boolean deleting() { return erasure != null; }
}

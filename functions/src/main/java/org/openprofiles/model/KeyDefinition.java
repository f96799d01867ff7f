package org.openprofiles.model;

import java.util.List;
import java.util.Set;

/**
 * One entry of a {@code Keys} list: the domain-wide key name, its identifiers and the local fields
 * whose values make up the key value.
 */
public record KeyDefinition(String keyName, Set<StandardIdentifier> identifiers, List<String> fieldNames) {
    public KeyDefinition {
        identifiers = Set.copyOf(identifiers);
        fieldNames = List.copyOf(fieldNames);
    }

    public boolean has(StandardIdentifier identifier) { return identifiers.contains(identifier); }

    public boolean isProfileKey() { return has(StandardIdentifier.PROFILE); }

    public boolean isSecondary() { return has(StandardIdentifier.SECONDARY); }

    public boolean isUnique() { return has(StandardIdentifier.UNIQUE); }
}

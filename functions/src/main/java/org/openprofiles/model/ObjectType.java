package org.openprofiles.model;

import java.util.List;
import java.util.Map;

/**
 * An object type: how objects of one kind map onto keys and the standard profile.
 *
 * @param fields         field definitions in definition order
 * @param keys           key definitions in definition order (resolution tries them in this order)
 * @param expirationDays days an object is kept, or null for the domain default
 * @param templateId     the template this type came from, or null
 */
public record ObjectType(String name, String description, String templateId, boolean allowProfileCreation,
                         Integer expirationDays, Map<String, FieldDefinition> fields, List<KeyDefinition> keys) {
    public ObjectType {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        keys = List.copyOf(keys);
    }

    /** The one key carrying UNIQUE; domain loading guarantees it exists. */
    public KeyDefinition uniqueKey() {
        return keys.stream().filter(KeyDefinition::isUnique).findFirst()
                .orElseThrow(() -> new IllegalStateException("object type " + name + " has no UNIQUE key"));
    }

    /** The same definition under another name (a template used as an object type). */
    public ObjectType named(String newName) {
        return new ObjectType(newName, description, templateId, allowProfileCreation, expirationDays, fields, keys);
    }
}

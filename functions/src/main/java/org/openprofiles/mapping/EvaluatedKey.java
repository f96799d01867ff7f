package org.openprofiles.mapping;

import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.KeyValue;

/**
 * A key definition with the value an object gives it.
 *
 * @param value the normalised key value, or null when every field of the key is empty (the key is skipped)
 */
public record EvaluatedKey(KeyDefinition definition, String value) {
    public boolean present() { return value != null; }

    public KeyValue keyValue() { return new KeyValue(definition.keyName(), value); }
}

package org.openprofiles.mapping;

import java.util.List;
import java.util.Map;

/**
 * What one object means once its type's mapping is applied.
 *
 * @param keys          every key definition of the type, in definition order, with its value
 * @param uniqueValue   the normalised value of the UNIQUE key (never empty)
 * @param profileFields the non-empty targeted values, by path below {@code _profile.}
 *                      ({@code FirstName}, {@code Address.City}, {@code Attributes.age}), in field order
 * @param inferredPhone the first non-empty PHONE_NUMBER field value (as written), or null
 * @param inferredEmail the first non-empty EMAIL_ADDRESS field value (as written), or null
 */
public record MappedObject(List<EvaluatedKey> keys, String uniqueValue, Map<String, String> profileFields,
                           String inferredPhone, String inferredEmail) {
    public MappedObject {
        keys = List.copyOf(keys);
        profileFields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(profileFields));
    }
}

package org.openprofiles.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.openprofiles.calculated.ContactRecordAttributes;
import org.openprofiles.calculated.Observation;
import org.openprofiles.json.Json;
import org.openprofiles.mapping.SourceExpression;
import org.openprofiles.model.FieldDefinition;
import org.openprofiles.model.ObjectType;
import org.openprofiles.store.ProfileStore.TimedObject;

/**
 * An object's attributes as calculated attributes read them: a field of its object type first (the field's mapped
 * value), else the object's own JSON path ({@code agent.id}, {@code items.0.price}); for the CTR templates' objects,
 * else the same attribute in Connect's stream shape ({@link ContactRecordAttributes}). Values are scalars as text; an
 * absent, null, empty or non-scalar value is absent.
 */
final class ObjectAttributes {
    private static final Map<String, SourceExpression> SOURCES = new ConcurrentHashMap<>();

    private ObjectAttributes() {}

    /** The object as a calculation sees it; {@code type} may be null (then only JSON paths are read). */
    static Observation observe(TimedObject stored, ObjectType type) {
        Map<String, Object> object = parse(stored.object());
        boolean contactRecord = type != null && (type.name().equals("CTR") || type.templateId() != null && type.templateId().startsWith("CTR"));
        Function<String, String> path = p -> path(object, p);
        Function<String, String> attribute = name -> {
            FieldDefinition field = type == null ? null : type.fields().get(name);
            String value = field != null ? nonEmpty(SOURCES.computeIfAbsent(field.source(), SourceExpression::compile).evaluate(object))
                    : path.apply(name);
            if (value == null && contactRecord) value = ContactRecordAttributes.fromStreamShape(name, path);
            return value;
        };
        return new Observation(stored.profileObjectUniqueKey(), stored.ingestedAtMillis(), attribute);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return Json.parse(json) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        } catch (Json.ParseException e) {
            return Map.of(); // stored objects were checked when put; nothing to read in one that is not an object
        }
    }

    /** A dotted path's scalar value, or null. */
    static String path(Map<String, Object> object, String path) {
        Object at = object;
        for (String segment : path.split("\\.")) {
            if (at instanceof Map<?, ?> map) {
                at = map.get(segment);
            } else if (at instanceof List<?> list && segment.chars().allMatch(Character::isDigit) && segment.length() < 9
                    && Integer.parseInt(segment) < list.size()) {
                at = list.get(Integer.parseInt(segment));
            } else {
                return null;
            }
        }
        if (at instanceof String s) return nonEmpty(s);
        if (at instanceof Json.JsonNumber n) return n.text();
        if (at instanceof Boolean b) return b.toString();
        return null;
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}

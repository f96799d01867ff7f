package org.openprofiles.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.FieldDefinition;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.ServiceException;
import org.openprofiles.model.StandardProfile;

/**
 * Applies an object type's mapping to one object: field values, key values normalised
 * by ContentType, and the targeted standard-profile fields. Sources compile once per type.
 */
public final class ObjectMapper {
    /** Joins the values of a multi-field key; a control character no field value is expected to hold. */
    static final String KEY_SEPARATOR = "\u001f";
    static final int MAX_KEY_VALUE_LENGTH = 255;

    private static final Map<ObjectType, ObjectMapper> BY_TYPE = new ConcurrentHashMap<>();

    private final ObjectType type;
    private final Map<String, SourceExpression> sources = new LinkedHashMap<>();

    private ObjectMapper(ObjectType type) {
        this.type = type;
        type.fields().forEach((name, field) -> sources.put(name, SourceExpression.compile(field.source())));
    }

    /** One mapper per distinct type definition, so each Source compiles once per container. */
    public static ObjectMapper forType(ObjectType type) {
        return BY_TYPE.computeIfAbsent(type, ObjectMapper::new);
    }

    /**
     * @throws ServiceException BadRequestException when the object lacks a UNIQUE field or every
     *         PROFILE key, or gives a key or a target a value the API could never store or search
     */
    public MappedObject map(Map<String, Object> object) {
        Map<String, String> values = new LinkedHashMap<>();
        sources.forEach((name, source) -> values.put(name, source.evaluate(object).strip()));

        List<EvaluatedKey> keys = new ArrayList<>();
        String uniqueValue = null;
        boolean anyProfileKey = false;
        boolean anyProfileValue = false;
        for (KeyDefinition key : type.keys()) {
            List<String> parts = normalised(key, values);
            String value = parts.stream().allMatch(String::isEmpty) ? null : String.join(KEY_SEPARATOR, parts);
            if (key.isUnique()) {
                for (int i = 0; i < parts.size(); i++) {
                    if (parts.get(i).isEmpty()) {
                        String fieldName = key.fieldNames().get(i);
                        if (!values.get(fieldName).isEmpty()) {
                            // Only a PHONE_NUMBER value normalises from text to nothing.
                            throw ServiceException.badRequest("Object gives field '" + fieldName + "' of the UNIQUE key '"
                                    + key.keyName() + "' of object type '" + type.name() + "' a value that is not a phone number: "
                                    + Normaliser.PHONE_RULE);
                        }
                        throw ServiceException.badRequest("Object has no value for field '" + fieldName
                                + "' of the UNIQUE key '" + key.keyName() + "' of object type '" + type.name() + "'");
                    }
                }
                uniqueValue = value;
            }
            if (key.isProfileKey()) {
                anyProfileKey = true;
                anyProfileValue |= value != null;
            }
            if (value != null && value.codePointCount(0, value.length()) > MAX_KEY_VALUE_LENGTH) {
                throw ServiceException.badRequest("Object gives key '" + key.keyName() + "' a value longer than "
                        + MAX_KEY_VALUE_LENGTH + " characters");
            }
            keys.add(new EvaluatedKey(key, value));
        }
        if (anyProfileKey && !anyProfileValue) {
            throw ServiceException.badRequest("Object has no value for any PROFILE key of object type '" + type.name() + "' ("
                    + String.join(", ", type.keys().stream().filter(KeyDefinition::isProfileKey).map(KeyDefinition::keyName).toList()) + ")");
        }
        return new MappedObject(keys, uniqueValue, profileFields(values), first(values, ContentType.PHONE_NUMBER),
                first(values, ContentType.EMAIL_ADDRESS));
    }

    /**
     * The key's field values in FieldNames order, each normalised by its field's ContentType. A
     * value that normalises to "" (text that is not a phone number) counts as empty, so a UNIQUE
     * value is never blank.
     */
    private List<String> normalised(KeyDefinition key, Map<String, String> values) {
        return key.fieldNames().stream()
                .map(name -> Normaliser.normalise(type.fields().get(name).contentType(), values.get(name)))
                .toList();
    }

    private Map<String, String> profileFields(Map<String, String> values) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (FieldDefinition field : type.fields().values()) {
            String value = values.get(field.name());
            if (field.target() == null || value.isEmpty()) continue;
            String path = field.target().substring(StandardProfile.TARGET_PREFIX.length());
            if (fields.containsKey(path)) continue; // the first non-empty field in definition order wins
            int max = StandardProfile.maxLength(path);
            if (value.codePointCount(0, value.length()) > max) {
                throw ServiceException.badRequest("Object gives field '" + field.name() + "' a value longer than " + max
                        + " characters for " + field.target());
            }
            if (path.equals("PartyType") || path.equals("Gender")) {
                value = value.toUpperCase(Locale.ROOT);
                if (!(path.equals("Gender") ? StandardProfile.GENDERS : StandardProfile.PARTY_TYPES).contains(value)) {
                    throw ServiceException.badRequest("Object gives field '" + field.name() + "' the value '" + value
                            + "', which is not a valid " + path);
                }
            }
            fields.put(path, value);
        }
        return fields;
    }

    private String first(Map<String, String> values, ContentType contentType) {
        for (FieldDefinition field : type.fields().values()) {
            String value = values.get(field.name());
            if (field.contentType() == contentType && !value.isEmpty()) return value;
        }
        return null;
    }
}

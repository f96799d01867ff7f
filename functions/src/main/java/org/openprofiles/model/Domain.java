package org.openprofiles.model;

import java.util.Map;
import java.util.Optional;
import org.openprofiles.calculated.Definition;

/**
 * A domain and its object types, loaded once per container from configuration files.
 *
 * @param objectTypes           the explicitly defined types, by name
 * @param templates             the built-in templates, by TemplateId (usable as implicit types)
 * @param defaultExpirationDays days an object is kept when its type says nothing
 * @param calculatedAttributes  the calculated attribute definitions, by name (Amazon Connect's defaults included)
 */
public record Domain(String name, int defaultExpirationDays, Map<String, ObjectType> objectTypes,
                     Map<String, ObjectType> templates, Map<String, Definition> calculatedAttributes) {
    public Domain {
        objectTypes = Map.copyOf(objectTypes);
        templates = Map.copyOf(templates);
        calculatedAttributes = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(calculatedAttributes));
    }

    /** A domain without calculated attributes. */
    public Domain(String name, int defaultExpirationDays, Map<String, ObjectType> objectTypes, Map<String, ObjectType> templates) {
        this(name, defaultExpirationDays, objectTypes, templates, Map.of());
    }

    /**
     * The ContentType that values of a key are normalised with, so AddProfileKey and
     * SearchProfiles values meet ingested ones: the standard keys' own type, else the type of the
     * single field behind the key in the first object type (or template) defining it, else STRING.
     */
    public ContentType keyContentType(String keyName) {
        switch (keyName) {
            case StandardProfile.KEY_PHONE: return ContentType.PHONE_NUMBER;
            case StandardProfile.KEY_EMAIL: return ContentType.EMAIL_ADDRESS;
            case StandardProfile.KEY_FULL_NAME: return ContentType.NAME;
            default: break;
        }
        for (Map<String, ObjectType> types : java.util.List.of(objectTypes, templates)) {
            for (ObjectType type : new java.util.TreeMap<>(types).values()) {
                for (KeyDefinition key : type.keys()) {
                    if (key.keyName().equals(keyName) && key.fieldNames().size() == 1) {
                        FieldDefinition field = type.fields().get(key.fieldNames().get(0));
                        if (field != null) return field.contentType();
                    }
                }
            }
        }
        return ContentType.STRING;
    }

    /**
     * The type for a PutProfileObject: an explicit type, or else a template of that name used as
     * an implicit object type (an explicit type of the same name wins).
     */
    public Optional<ObjectType> objectType(String typeName) {
        ObjectType explicit = objectTypes.get(typeName);
        if (explicit != null) return Optional.of(explicit);
        return Optional.ofNullable(templates.get(typeName)).map(t -> t.named(typeName));
    }
}

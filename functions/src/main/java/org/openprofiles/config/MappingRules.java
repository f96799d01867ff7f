package org.openprofiles.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.openprofiles.json.Json;
import org.openprofiles.mapping.SourceExpression;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.FieldDefinition;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.StandardIdentifier;
import org.openprofiles.model.StandardProfile;

/**
 * Reads one object type definition (the body of a PutProfileObjectType request) and enforces the
 * mapping rules AWS documents for object type definitions. Every violation names the file and the type and states the rule in
 * words (never by our spec's numbers, which users do not have). What this
 * implementation does not support is refused just as clearly, never silently ignored.
 */
public final class MappingRules {
    /** Predefined key names (the model's KeyName documentation). */
    static final Set<String> PREDEFINED_KEYS = Set.of("_account", "_profileId", "_assetId", "_caseId", "_orderId",
            "_fullName", "_phone", "_email", "_ctrContactId", "_marketoLeadId", "_salesforceAccountId",
            "_salesforceContactId", "_salesforceAssetId", "_zendeskUserId", "_zendeskExternalId", "_zendeskTicketId",
            "_serviceNowSystemId", "_serviceNowIncidentId", "_segmentUserId", "_shopifyCustomerId", "_shopifyOrderId");
    static final Set<String> LOOKUP_ONLY_KEYS = Set.of("_profileId", "_orderId", "_caseId", "_assetId");
    static final Set<String> STANDARD_OBJECT_IDENTIFIERS = Set.of("ASSET", "CASE", "ORDER", "DEVICE", "WEB_ANALYTICS",
            "COMMUNICATION_RECORD", "AIR_PREFERENCE", "HOTEL_PREFERENCE", "AIR_BOOKING", "AIR_SEGMENT",
            "HOTEL_RESERVATION", "HOTEL_STAY_REVENUE", "LOYALTY", "LOYALTY_TRANSACTION", "LOYALTY_PROMOTION");
    static final Set<String> MEMBERS = Set.of("Description", "TemplateId", "AllowProfileCreation", "ExpirationDays",
            "Fields", "Keys", "Tags", "SourcePriority", "MaxProfileObjectCount", "SourceLastUpdatedTimestampFormat",
            "EncryptionKey");
    static final Set<String> NOT_SUPPORTED = Set.of("SourcePriority", "MaxProfileObjectCount",
            "SourceLastUpdatedTimestampFormat", "EncryptionKey");
    static final int MAX_FIELDS = 250;
    public static final int MAX_KEYS = 10;
    /** The service quota: object types per domain. */
    public static final int MAX_TYPES_PER_DOMAIN = 100;
    static final int MIN_DAYS = 1;
    static final int MAX_DAYS = 1098;
    static final String DAYS_RULE = "a whole number of days from " + MIN_DAYS + " to " + MAX_DAYS;

    private final String file;
    private final String typeName;

    private MappingRules(String file, String typeName) {
        this.file = file;
        this.typeName = typeName;
    }

    /**
     * @param file      the domain file the definition comes from, or null for a PutProfileObjectType request
     * @param templates the built-in templates a TemplateId may name (empty while loading the templates)
     */
    static ObjectType objectType(String file, String typeName, Object definition, Map<String, ObjectType> templates) {
        return new MappingRules(file, typeName).read(definition, templates);
    }

    /** The message says the rule in words: a reader of the config error does not have our spec. */
    private DomainConfigException fail(String message) {
        String where = file == null ? "Object type '" + typeName + "': " : file + ": object type '" + typeName + "': ";
        return new DomainConfigException(where + message);
    }

    private ObjectType read(Object definition, Map<String, ObjectType> templates) {
        if (!Names.valid(typeName, Names.TYPE_NAME, Names.TYPE_NAME_MIN, Names.TYPE_NAME_MAX)) {
            throw fail("the name must match " + Names.TYPE_NAME.pattern() + " and have 1 to 255 characters");
        }
        if (typeName.startsWith("_")) throw fail("names starting with '_' are reserved for standard objects");
        Map<String, Object> body = object(definition, "the definition");
        for (String member : body.keySet()) {
            if (!MEMBERS.contains(member)) throw fail("unknown member '" + member + "'");
            if (NOT_SUPPORTED.contains(member)) throw fail(member + " is not supported by this implementation");
        }
        if (body.containsKey("Tags")) {
            String problem = TagRules.problem(body.get("Tags"));
            if (problem != null) throw fail(problem);
        }
        String description = string(body.get("Description"), "Description");
        int length = description.codePointCount(0, description.length());
        if (length < 1 || length > 1000) throw fail("Description must have 1 to 1000 characters");
        Integer expirationDays = null;
        if (body.containsKey("ExpirationDays")) {
            expirationDays = days(body.get("ExpirationDays")).orElseThrow(() -> fail("ExpirationDays must be " + DAYS_RULE));
        }

        if (body.containsKey("TemplateId")) {
            for (String member : List.of("Fields", "Keys", "AllowProfileCreation")) {
                if (body.containsKey(member)) throw fail("a type with TemplateId must not set " + member
                        + ": the template gives the type its Fields, Keys and AllowProfileCreation");
            }
            String templateId = string(body.get("TemplateId"), "TemplateId");
            ObjectType template = templates.get(templateId);
            if (template == null) throw fail("unknown TemplateId '" + templateId + "' (built in: " + templates.keySet() + ")");
            return new ObjectType(typeName, description, templateId, template.allowProfileCreation(), expirationDays,
                    template.fields(), template.keys());
        }
        Object allow = body.getOrDefault("AllowProfileCreation", Boolean.FALSE);
        if (!(allow instanceof Boolean allowProfileCreation)) throw fail("AllowProfileCreation must be a JSON boolean");
        Map<String, FieldDefinition> fields = fields(object(body.get("Fields"), "Fields"));
        List<KeyDefinition> keys = keys(object(body.get("Keys"), "Keys"), fields);
        checkIdentifiers(keys, allowProfileCreation);
        return new ObjectType(typeName, description, null, allowProfileCreation, expirationDays, fields, keys);
    }

    private Map<String, FieldDefinition> fields(Map<String, Object> definitions) {
        if (definitions.size() > MAX_FIELDS) throw fail("a type can have at most " + MAX_FIELDS + " fields (found " + definitions.size() + ")");
        Map<String, FieldDefinition> fields = new LinkedHashMap<>();
        Set<String> targets = new HashSet<>();
        for (Map.Entry<String, Object> entry : definitions.entrySet()) {
            String name = entry.getKey();
            if (!Names.valid(name, Names.FIELD_NAME, Names.FIELD_NAME_MIN, Names.FIELD_NAME_MAX) || !Character.isLetter(name.charAt(0))) {
                throw fail("field name '" + name + "' must start with a letter and contain only letters, digits, '_', '.' and '-'"
                        + " (1 to 64 characters)");
            }
            if (name.equalsIgnoreCase("tags")) throw fail("'" + name + "' cannot be a field name: Tags and tags are reserved for the type's tags");
            Map<String, Object> field = object(entry.getValue(), "field '" + name + "'");
            for (String member : field.keySet()) {
                if (!Set.of("Source", "Target", "ContentType").contains(member)) throw fail("field '" + name + "': unknown member '" + member + "'");
            }
            String source = string(field.get("Source"), "field '" + name + "' Source");
            if (source.length() > 1000) throw fail("field '" + name + "': Source has more than 1000 characters");
            try {
                SourceExpression.compile(source);
            } catch (IllegalArgumentException e) {
                throw fail("field '" + name + "': the Source is not a valid accessor or Handlebars template: " + e.getMessage());
            }
            String target = field.containsKey("Target") ? string(field.get("Target"), "field '" + name + "' Target") : null;
            if (target != null) checkTarget(name, target, targets);
            ContentType contentType = ContentType.STRING;
            if (field.containsKey("ContentType")) {
                String type = string(field.get("ContentType"), "field '" + name + "' ContentType");
                try {
                    contentType = ContentType.valueOf(type);
                } catch (IllegalArgumentException e) {
                    throw fail("field '" + name + "': ContentType must be one of STRING, NUMBER, PHONE_NUMBER, EMAIL_ADDRESS, NAME");
                }
            }
            fields.put(name, new FieldDefinition(name, source, target, contentType));
        }
        return fields;
    }

    private void checkTarget(String field, String target, Set<String> targets) {
        if (!target.startsWith(StandardProfile.TARGET_PREFIX)) {
            if (target.startsWith("_")) {
                throw fail("field '" + field + "': Target '" + target
                        + "': standard objects other than _profile are not supported by this implementation");
            }
            throw fail("field '" + field + "': Target '" + target + "' must start with _profile.");
        }
        String path = target.substring(StandardProfile.TARGET_PREFIX.length());
        if (path.equals("SourceLastUpdatedTimestamp")) {
            throw fail("field '" + field + "': _profile.SourceLastUpdatedTimestamp needs SourceLastUpdatedTimestampFormat, "
                    + "which this implementation does not support");
        }
        if (!StandardProfile.isTargetablePath(path)) {
            throw fail("field '" + field + "': Target '" + target + "' is not a standard profile field a mapping may write"
                    + " (system fields such as _profile.ProfileId cannot be targets)");
        }
        targets.add(path);
        for (String[] pair : new String[][] {{"Gender", "GenderString"}, {"PartyType", "PartyTypeString"}}) {
            if (targets.contains(pair[0]) && targets.contains(pair[1])) {
                throw fail("_profile." + pair[0] + " and _profile." + pair[1] + " cannot both be targets: they are two forms of"
                        + " one value, so a type writes only one of them");
            }
        }
    }

    private List<KeyDefinition> keys(Map<String, Object> definitions, Map<String, FieldDefinition> fields) {
        List<KeyDefinition> keys = new ArrayList<>();
        for (Map.Entry<String, Object> entry : definitions.entrySet()) {
            String keyName = entry.getKey();
            if (!Names.valid(keyName, Names.NAME, Names.NAME_MIN, Names.NAME_MAX)) {
                throw fail("key name '" + keyName + "' must match " + Names.NAME.pattern() + " (1 to 64 characters)");
            }
            if (keyName.equalsIgnoreCase("tags")) throw fail("'" + keyName + "' cannot be a key name: Tags and tags are reserved for the type's tags");
            if (keyName.startsWith("_") ? !PREDEFINED_KEYS.contains(keyName) : !Character.isLetter(keyName.charAt(0))) {
                throw fail("key name '" + keyName + "': names starting with '_' must be predefined keys "
                        + "(such as _phone, _email); other names start with a letter");
            }
            if (!(entry.getValue() instanceof List<?> entries) || entries.isEmpty()) {
                throw fail("key '" + keyName + "' must be a non-empty list of {StandardIdentifiers, FieldNames}");
            }
            for (Object item : entries) keys.add(key(keyName, object(item, "key '" + keyName + "'"), fields));
        }
        if (keys.size() > MAX_KEYS) throw fail("a type can have at most " + MAX_KEYS + " keys, each entry in a key's list counting as one"
                + " (found " + keys.size() + ")");
        return keys;
    }

    private KeyDefinition key(String keyName, Map<String, Object> definition, Map<String, FieldDefinition> fields) {
        for (String member : definition.keySet()) {
            if (!Set.of("StandardIdentifiers", "FieldNames").contains(member)) {
                throw fail("key '" + keyName + "': unknown member '" + member + "'");
            }
        }
        Set<StandardIdentifier> identifiers = EnumSet.noneOf(StandardIdentifier.class);
        for (String identifier : strings(definition.getOrDefault("StandardIdentifiers", List.of()), "key '" + keyName + "' StandardIdentifiers")) {
            if (STANDARD_OBJECT_IDENTIFIERS.contains(identifier)) {
                throw fail("key '" + keyName + "': " + identifier + " identifies a standard object, which this implementation does not support");
            }
            try {
                identifiers.add(StandardIdentifier.valueOf(identifier));
            } catch (IllegalArgumentException e) {
                throw fail("key '" + keyName + "': unknown StandardIdentifier '" + identifier + "'");
            }
        }
        List<String> fieldNames = strings(definition.get("FieldNames"), "key '" + keyName + "' FieldNames");
        if (fieldNames.isEmpty()) throw fail("key '" + keyName + "' must reference at least one field in FieldNames");
        for (String fieldName : fieldNames) {
            if (!Names.valid(fieldName, Names.NAME, Names.NAME_MIN, Names.NAME_MAX)) {
                throw fail("key '" + keyName + "': FieldNames item '" + fieldName + "' must contain only letters, digits, '_'"
                        + " and '-' (1 to 64 characters): a key cannot reference a field whose name has a dot");
            }
            if (!fields.containsKey(fieldName)) throw fail("key '" + keyName + "' references field '" + fieldName + "', which this type does not define");
        }
        return new KeyDefinition(keyName, identifiers, fieldNames);
    }

    private void checkIdentifiers(List<KeyDefinition> keys, boolean allowProfileCreation) {
        long unique = keys.stream().filter(KeyDefinition::isUnique).count();
        if (unique != 1) throw fail("exactly one key must carry UNIQUE, the key that identifies each object of the type (found " + unique + ")");
        if (keys.stream().noneMatch(KeyDefinition::isProfileKey)) throw fail("at least one key must carry PROFILE, the key that matches an object to its profile");
        boolean restrictedProfileKey = false;
        boolean plainProfileKey = false;
        for (KeyDefinition key : keys) {
            boolean restricted = key.has(StandardIdentifier.LOOKUP_ONLY) || key.has(StandardIdentifier.NEW_ONLY);
            if (key.isUnique() && restricted) {
                throw fail("key '" + key.keyName() + "' combines UNIQUE with "
                        + (key.has(StandardIdentifier.LOOKUP_ONLY) ? "LOOKUP_ONLY" : "NEW_ONLY")
                        + ", which is not allowed: the unique key must always be stored");
            }
            if (LOOKUP_ONLY_KEYS.contains(key.keyName()) && !key.has(StandardIdentifier.LOOKUP_ONLY)) {
                throw fail("key '" + key.keyName() + "' must carry LOOKUP_ONLY: _profileId, _orderId, _caseId and _assetId"
                        + " only look profiles up and are never stored as keys");
            }
            if (key.isSecondary() && !key.isProfileKey()) {
                throw fail("key '" + key.keyName() + "' carries SECONDARY without PROFILE: SECONDARY marks a PROFILE key"
                        + " that is tried after the others, so it needs PROFILE");
            }
            if (key.isProfileKey() && restricted && !key.keyName().equals("_profileId")) restrictedProfileKey = true;
            if (key.isProfileKey() && !restricted) plainProfileKey = true;
        }
        if (restrictedProfileKey && !plainProfileKey && allowProfileCreation) {
            throw fail("a PROFILE key with LOOKUP_ONLY or NEW_ONLY needs another PROFILE key without them when"
                    + " AllowProfileCreation is true: such a key is not always stored, so a profile this type creates"
                    + " could otherwise not be found again");
        }
    }

    // ---- typed reads --------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Object value, String what) {
        if (!(value instanceof Map)) throw fail(what + " must be a JSON object");
        return (Map<String, Object>) value;
    }

    private String string(Object value, String what) {
        if (!(value instanceof String s) || s.isEmpty()) throw fail(what + " must be a non-empty string");
        return s;
    }

    private List<String> strings(Object value, String what) {
        if (!(value instanceof List<?> list)) throw fail(what + " must be a list of strings");
        List<String> out = new ArrayList<>();
        for (Object item : list) out.add(string(item, what + " item"));
        return out;
    }

    /** ExpirationDays and DefaultExpirationDays: the model's range, written as a plain whole number. */
    static OptionalInt days(Object value) {
        if (value instanceof Json.JsonNumber n && n.text().matches("\\d{1,4}")) {
            int days = Integer.parseInt(n.text());
            if (days >= MIN_DAYS && days <= MAX_DAYS) return OptionalInt.of(days);
        }
        return OptionalInt.empty();
    }
}

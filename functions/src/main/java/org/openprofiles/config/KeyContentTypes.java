package org.openprofiles.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.ObjectType;

/**
 * Spec 2.1 [AG update-and-validate-mapping]: a key name that already exists in the domain keeps the
 * ContentTypes of its fields, so every object type normalises its values alike (and AddProfileKey
 * and SearchProfiles normalise as ingestion did). Checked for the domain files and for
 * PutProfileObjectType by this one rule.
 */
public final class KeyContentTypes {
    private KeyContentTypes() {}

    /**
     * What breaks the rule when {@code candidate} joins {@code others} (the domain's other object
     * types), in words; null when nothing does.
     */
    public static String conflict(ObjectType candidate, Map<String, ObjectType> others) {
        Map<String, Set<List<ContentType>>> mine = signatures(candidate);
        for (ObjectType other : new TreeMap<>(others).values()) {
            if (other.name().equals(candidate.name())) continue;
            Map<String, Set<List<ContentType>>> theirs = signatures(other);
            for (Map.Entry<String, Set<List<ContentType>>> key : mine.entrySet()) {
                Set<List<ContentType>> existing = theirs.get(key.getKey());
                if (existing != null && !existing.equals(key.getValue())) {
                    return "key '" + key.getKey() + "' is made of fields of ContentType " + key.getValue()
                            + " here but " + existing + " in object type '" + other.name()
                            + "'; a key name keeps the ContentTypes of its fields across the domain";
                }
            }
        }
        return null;
    }

    /** Key name → the ContentTypes of the fields of each of its entries. */
    private static Map<String, Set<List<ContentType>>> signatures(ObjectType type) {
        Map<String, Set<List<ContentType>>> signatures = new TreeMap<>();
        for (KeyDefinition key : type.keys()) {
            List<ContentType> contentTypes = new ArrayList<>();
            for (String field : key.fieldNames()) contentTypes.add(type.fields().get(field).contentType());
            signatures.computeIfAbsent(key.keyName(), k -> new HashSet<>()).add(List.copyOf(contentTypes));
        }
        return signatures;
    }
}

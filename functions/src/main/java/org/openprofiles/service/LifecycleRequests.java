package org.openprofiles.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.config.Names;
import org.openprofiles.json.Json;
import org.openprofiles.model.ServiceException;
import org.openprofiles.model.StandardProfile;

/**
 * The validated requests of the profile lifecycle, each checked against the service
 * model's constraints; every 400 names the member and says the rule in words.
 */
public final class LifecycleRequests {
    private LifecycleRequests() {}

    /** Most ids per BatchGetProfile and per MergeProfiles (the model's list bounds). */
    public static final int MAX_IDS = 20;

    /**
     * CreateProfile and UpdateProfile: fields by path below {@code _profile.}; for an update,
     * {@code remove} holds the paths given as empty strings.
     */
    public record ProfileFields(String domainName, String profileId, Map<String, String> set, Set<String> remove) {}

    public record ProfileRef(String domainName, String profileId) {}

    public record ProfileIds(String domainName, List<String> profileIds) {}

    public record KeyValues(String domainName, String profileId, String keyName, List<String> values) {}

    public record ObjectRef(String domainName, String profileId, String objectTypeName, String uniqueKey) {}

    public record Merge(String domainName, String mainProfileId, List<String> mergedIds, Map<String, String> fieldSources) {}

    private static final Set<String> ENUMS = Set.of("PartyType", "Gender", "ProfileType");

    public static ProfileFields create(String domainName, String body) {
        return fields(DomainNames.check(domainName), RequestFields.parseBody(body), false);
    }

    public static ProfileFields update(String domainName, String body) {
        return fields(DomainNames.check(domainName), RequestFields.parseBody(body), true);
    }

    private static ProfileFields fields(String domain, Map<String, Object> body, boolean update) {
        String profileId = update ? profileId(body, "ProfileId") : null;
        int min = update ? 0 : 1;
        Map<String, String> set = new LinkedHashMap<>();
        Set<String> remove = new LinkedHashSet<>();
        for (Map.Entry<String, Object> member : body.entrySet()) {
            String name = member.getKey();
            Object value = member.getValue();
            if (value == Json.NULL || name.equals("ProfileId")) continue;
            if (name.equals("EngagementPreferences")) {
                throw ServiceException.badRequest("EngagementPreferences is not supported by this implementation; leave it out");
            }
            if (StandardProfile.STRING_FIELDS.contains(name) || name.equals("ProfileType")) {
                String text = string(name, value);
                if (ENUMS.contains(name)) {
                    Set<String> allowed = name.equals("PartyType") ? StandardProfile.PARTY_TYPES
                            : name.equals("Gender") ? StandardProfile.GENDERS : Set.of("ACCOUNT_PROFILE", "PROFILE");
                    if (!allowed.contains(text)) {
                        throw ServiceException.badRequest(name + " must be one of " + String.join(", ", new java.util.TreeSet<>(allowed))
                                + " (was '" + text + "')");
                    }
                } else {
                    RequestFields.checkLength(name, text, min, StandardProfile.maxLength(name));
                }
                put(set, remove, name, text);
            } else if (StandardProfile.ADDRESSES.contains(name)) {
                Map<String, Object> address = object(name, value);
                for (Map.Entry<String, Object> part : address.entrySet()) {
                    if (part.getValue() == Json.NULL) continue;
                    String label = name + "." + part.getKey();
                    if (!StandardProfile.ADDRESS_FIELDS.contains(part.getKey())) {
                        throw ServiceException.badRequest(label + " is not an address member; an address has "
                                + String.join(", ", StandardProfile.ADDRESS_FIELDS));
                    }
                    String text = string(label, part.getValue());
                    RequestFields.checkLength(label, text, min, 255);
                    put(set, remove, label, text);
                }
            } else if (name.equals("Attributes")) {
                Map<String, Object> attributes = object(name, value);
                for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
                    RequestFields.checkLength("Attributes key", attribute.getKey(), 1, 255);
                    String label = "Attributes." + attribute.getKey();
                    String text = string(label, attribute.getValue());
                    RequestFields.checkLength(label, text, min, 255);
                    put(set, remove, label, text);
                }
            }
        }
        return new ProfileFields(domain, profileId, set, remove);
    }

    private static void put(Map<String, String> set, Set<String> remove, String path, String value) {
        if (value.isEmpty()) remove.add(path);
        else set.put(path, value);
    }

    public static ProfileRef deleteProfile(String domainName, String body) {
        String domain = DomainNames.check(domainName);
        return new ProfileRef(domain, profileId(RequestFields.parseBody(body), "ProfileId"));
    }

    public static ProfileIds batchGet(String domainName, String body) {
        String domain = DomainNames.check(domainName);
        return new ProfileIds(domain, ids(RequestFields.parseBody(body), "ProfileIds"));
    }

    public static KeyValues deleteKey(String domainName, String body) {
        String domain = DomainNames.check(domainName);
        Map<String, Object> request = RequestFields.parseBody(body);
        String profileId = profileId(request, "ProfileId");
        String keyName = RequestFields.keyName(request, "KeyName");
        List<String> values = RequestFields.values(request, "Values", AddProfileKeyRequest.MAX_VALUES);
        return new KeyValues(domain, profileId, keyName, values);
    }

    public static ObjectRef deleteObject(String domainName, String body) {
        String domain = DomainNames.check(domainName);
        Map<String, Object> request = RequestFields.parseBody(body);
        String profileId = profileId(request, "ProfileId");
        String uniqueKey = RequestFields.requiredString(request, "ProfileObjectUniqueKey");
        RequestFields.checkLength("ProfileObjectUniqueKey", uniqueKey, 1, 255);
        String typeName = RequestFields.requiredString(request, "ObjectTypeName");
        RequestFields.checkLength("ObjectTypeName", typeName, Names.TYPE_NAME_MIN, Names.TYPE_NAME_MAX);
        if (!Names.TYPE_NAME.matcher(typeName).matches()) {
            throw ServiceException.badRequest("ObjectTypeName may hold only letters, digits, '_' and '-' (was '" + typeName + "')");
        }
        return new ObjectRef(domain, profileId, typeName, uniqueKey);
    }

    public static Merge merge(String domainName, String body) {
        String domain = DomainNames.check(domainName);
        Map<String, Object> request = RequestFields.parseBody(body);
        String main = profileId(request, "MainProfileId");
        List<String> merged = ids(request, "ProfileIdsToBeMerged");
        if (merged.contains(main)) {
            throw ServiceException.badRequest("ProfileIdsToBeMerged must not hold the MainProfileId: a profile cannot be merged into itself");
        }
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Object> given = RequestFields.optionalObject(request, "FieldSourceProfileIds");
        if (given != null) {
            for (Map.Entry<String, Object> member : given.entrySet()) {
                if (member.getValue() == Json.NULL) continue;
                String label = "FieldSourceProfileIds." + member.getKey();
                if (member.getKey().equals("Attributes")) {
                    for (Map.Entry<String, Object> attribute : object(label, member.getValue()).entrySet()) {
                        String attributeLabel = label + "." + attribute.getKey();
                        sources.put("Attributes." + attribute.getKey(), source(attributeLabel, attribute.getValue(), main, merged));
                    }
                } else {
                    sources.put(member.getKey(), source(label, member.getValue(), main, merged));
                }
            }
        }
        return new Merge(domain, main, merged, sources);
    }

    private static String source(String label, Object value, String main, List<String> merged) {
        String id = string(label, value);
        checkProfileId(label, id);
        if (!id.equals(main) && !merged.contains(id)) {
            throw ServiceException.badRequest(label + " must name the main profile or one of the profiles to be merged (was '" + id + "')");
        }
        return id;
    }

    static String profileId(Map<String, Object> body, String member) {
        String id = RequestFields.requiredString(body, member);
        checkProfileId(member, id);
        return id;
    }

    static void checkProfileId(String label, String id) {
        if (!RequestFields.PROFILE_ID.matcher(id).matches()) {
            throw ServiceException.badRequest(label + " must be a profile id: exactly 32 lowercase hexadecimal characters (0-9, a-f)");
        }
    }

    private static List<String> ids(Map<String, Object> body, String member) {
        Object value = body.get(member);
        if (value == null || value == Json.NULL) throw ServiceException.badRequest(member + " is required");
        if (!(value instanceof List<?> list)) throw ServiceException.badRequest(member + " must be a list of profile ids");
        if (list.isEmpty() || list.size() > MAX_IDS) {
            throw ServiceException.badRequest(member + " must hold between 1 and " + MAX_IDS + " profile ids (had " + list.size() + ")");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (Object item : list) {
            String id = string(member + " entry", item);
            checkProfileId(member + " entry", id);
            ids.add(id);
        }
        return new ArrayList<>(ids);
    }

    private static String string(String label, Object value) {
        if (!(value instanceof String s)) throw ServiceException.badRequest(label + " must be a string");
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String label, Object value) {
        if (!(value instanceof Map)) throw ServiceException.badRequest(label + " must be a JSON object");
        return (Map<String, Object>) value;
    }
}

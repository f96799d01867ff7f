package org.openprofiles.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields of the standard profile that an object type may target ({@code _profile.<path>}),
 * and the standard search keys derived from them. One place for the Profile shape's field names.
 */
public final class StandardProfile {
    public static final String TARGET_PREFIX = "_profile.";
    public static final String ATTRIBUTES_PREFIX = "Attributes.";

    public static final List<String> STRING_FIELDS = List.of(
            "AccountNumber", "AdditionalInformation", "BusinessName", "FirstName", "MiddleName", "LastName",
            "BirthDate", "PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber",
            "EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress", "PartyType", "PartyTypeString",
            "Gender", "GenderString");

    public static final List<String> ADDRESSES = List.of("Address", "ShippingAddress", "MailingAddress", "BillingAddress");

    public static final List<String> ADDRESS_FIELDS = List.of(
            "Address1", "Address2", "Address3", "Address4", "City", "County", "State", "Province", "Country", "PostalCode");

    public static final List<String> PHONE_FIELDS = List.of("PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber");
    public static final List<String> EMAIL_FIELDS = List.of("EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress");

    /** Deprecated enum fields and their values (the model's PartyType and Gender). */
    public static final Set<String> PARTY_TYPES = Set.of("INDIVIDUAL", "BUSINESS", "OTHER");
    public static final Set<String> GENDERS = Set.of("MALE", "FEMALE", "UNSPECIFIED");

    /** Standard search keys. */
    public static final String KEY_PROFILE_ID = "_profileId";
    public static final String KEY_PHONE = "_phone";
    public static final String KEY_EMAIL = "_email";
    public static final String KEY_FULL_NAME = "_fullName";
    public static final String KEY_ACCOUNT = "_account";

    /** Most standard strings are 1..255 characters; AdditionalInformation allows 1000. */
    public static int maxLength(String path) {
        return path.equals("AdditionalInformation") ? 1000 : 255;
    }

    private StandardProfile() {}

    /**
     * Whether {@code path} (the part after {@code _profile.}) names a targetable field: a standard
     * string, {@code <Address>.<field>}, or {@code Attributes.<name>} with a 1..255 character name.
     */
    public static boolean isTargetablePath(String path) {
        if (STRING_FIELDS.contains(path)) return true;
        if (path.startsWith(ATTRIBUTES_PREFIX)) {
            int n = path.length() - ATTRIBUTES_PREFIX.length();
            return n >= 1 && n <= 255;
        }
        int dot = path.indexOf('.');
        return dot > 0 && ADDRESSES.contains(path.substring(0, dot)) && ADDRESS_FIELDS.contains(path.substring(dot + 1));
    }

    /**
     * The Profile shape (the API's reads and the event streams' profile events alike): flat paths below
     * {@code _profile.} become nested members (Address.City → Address{City}).
     */
    public static Map<String, Object> shape(String profileId, Map<String, String> fields) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("ProfileId", profileId);
        for (Map.Entry<String, String> field : new TreeMap<>(fields).entrySet()) {
            String path = field.getKey();
            int dot = path.indexOf('.');
            if (dot < 0) {
                profile.put(path, field.getValue());
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> parent = (Map<String, Object>) profile.computeIfAbsent(path.substring(0, dot), k -> new TreeMap<>());
                parent.put(path.substring(dot + 1), field.getValue());
            }
        }
        return profile;
    }
}

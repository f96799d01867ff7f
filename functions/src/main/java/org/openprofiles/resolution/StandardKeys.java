package org.openprofiles.resolution;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.StandardProfile;

/**
 * The standard search keys a profile gets from its standard fields: every phone
 * field as {@code _phone}, every email field as {@code _email}, AccountNumber as {@code _account}
 * and "First Middle Last" as {@code _fullName}. Keys accumulate: a later value adds a key and
 * never removes the earlier one, as ingested keys do.
 */
public final class StandardKeys {
    private StandardKeys() {}

    /** The keys for the standard fields one write sets (paths below {@code _profile.}). */
    public static List<KeyValue> of(Map<String, String> profileFields) {
        Set<KeyValue> keys = new LinkedHashSet<>();
        for (String field : StandardProfile.PHONE_FIELDS) add(keys, StandardProfile.KEY_PHONE, ContentType.PHONE_NUMBER, profileFields.get(field));
        for (String field : StandardProfile.EMAIL_FIELDS) add(keys, StandardProfile.KEY_EMAIL, ContentType.EMAIL_ADDRESS, profileFields.get(field));
        add(keys, StandardProfile.KEY_ACCOUNT, ContentType.STRING, profileFields.get("AccountNumber"));
        if (profileFields.containsKey("FirstName") || profileFields.containsKey("LastName")) {
            StringJoiner fullName = new StringJoiner(" ");
            for (String part : List.of("FirstName", "MiddleName", "LastName")) {
                String value = profileFields.get(part);
                if (value != null) fullName.add(value);
            }
            add(keys, StandardProfile.KEY_FULL_NAME, ContentType.NAME, fullName.toString());
        }
        return List.copyOf(keys);
    }

    private static void add(Set<KeyValue> keys, String keyName, ContentType type, String raw) {
        if (raw == null) return;
        String value = Normaliser.normalise(type, raw);
        if (!value.isEmpty()) keys.add(new KeyValue(keyName, value));
    }
}

package org.openprofiles.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The model's TagMap (CreateDomain, UpdateDomain, PutProfileObjectType and the domain files alike):
 * 1 to 50 entries; keys of 1 to 128 characters matching {@code ^(?!aws:)[a-zA-Z+-=._:/]+$}; values
 * strings of at most 256 characters. One place for the rule, so every caller words it the same.
 */
public final class TagRules {
    public static final Pattern KEY = Pattern.compile("^(?!aws:)[a-zA-Z+-=._:/]+$");
    public static final int MAX_TAGS = 50;
    public static final int KEY_MAX = 128;
    public static final int VALUE_MAX = 256;

    private TagRules() {}

    /** What is wrong with a Tags member, in words, or null when it is a valid TagMap. */
    public static String problem(Object tags) {
        if (!(tags instanceof Map<?, ?> map)) return "Tags must be a JSON object of tag keys to string values";
        if (map.isEmpty() || map.size() > MAX_TAGS) {
            return "Tags must hold between 1 and " + MAX_TAGS + " tags (had " + map.size() + ")";
        }
        for (Map.Entry<?, ?> tag : map.entrySet()) {
            String key = (String) tag.getKey();
            if (!Names.valid(key, KEY, 1, KEY_MAX)) {
                return "Tags: the tag key '" + key + "' must have 1 to " + KEY_MAX + " characters, only letters, digits and + - = . _ : /,"
                        + " and must not start with 'aws:'";
            }
            if (!(tag.getValue() instanceof String value)) return "Tags: the value of tag '" + key + "' must be a string";
            if (value.codePointCount(0, value.length()) > VALUE_MAX) {
                return "Tags: the value of tag '" + key + "' must have at most " + VALUE_MAX + " characters";
            }
        }
        return null;
    }

    /** A valid TagMap as plain strings. */
    public static Map<String, String> copy(Object tags) {
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<?, ?>) tags).forEach((k, v) -> out.put((String) k, (String) v));
        return out;
    }
}

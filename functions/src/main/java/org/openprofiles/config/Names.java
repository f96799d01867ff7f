package org.openprofiles.config;

import java.util.regex.Pattern;

/**
 * The naming shapes of the service model, written once for the request validation and
 * the domain configuration alike. Patterns are matched against the whole value.
 */
public final class Names {
    /** {@code name}: DomainName, KeyName, TemplateId, the keys of Keys, the items of FieldNames. */
    public static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]+$");
    public static final int NAME_MIN = 1;
    public static final int NAME_MAX = 64;

    /** {@code typeName}: ObjectTypeName. */
    public static final Pattern TYPE_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z_0-9-]*$");
    public static final int TYPE_NAME_MIN = 1;
    public static final int TYPE_NAME_MAX = 255;

    /** {@code fieldName}: the keys of the Fields map (dots allowed). */
    public static final Pattern FIELD_NAME = Pattern.compile("^[a-zA-Z0-9_.-]+$");
    public static final int FIELD_NAME_MIN = 1;
    public static final int FIELD_NAME_MAX = 64;

    private Names() {}

    public static boolean valid(String value, Pattern pattern, int min, int max) {
        int length = value.codePointCount(0, value.length());
        return length >= min && length <= max && pattern.matcher(value).matches();
    }
}

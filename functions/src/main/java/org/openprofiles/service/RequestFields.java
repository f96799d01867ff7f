package org.openprofiles.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openprofiles.config.Names;
import org.openprofiles.json.Json;
import org.openprofiles.model.ServiceException;

/**
 * Request validation shared by every operation. Lengths count Unicode code points and patterns
 * must match the whole value (the server checks every minimum, maximum and pattern
 * itself, because botocore checks only minimums). Every message names the member.
 */
final class RequestFields {
    private RequestFields() {}

    static Map<String, Object> parseBody(String body) {
        if (body == null || body.isBlank()) throw ServiceException.badRequest("Request body is required and must be a JSON object");
        return jsonObject(body, "Request body");
    }

    /** Text that must be one JSON object; {@code what} names it in the 400. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> jsonObject(String text, String what) {
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.ParseException e) {
            throw ServiceException.badRequest(what + " is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map)) throw ServiceException.badRequest(what + " must be a JSON object");
        return (Map<String, Object>) parsed;
    }

    static String requiredString(Map<String, Object> body, String member) {
        return requiredString(body, member, member);
    }

    /** @param label how messages name the member, e.g. {@code ObjectFilter.KeyName} for a nested one */
    static String requiredString(Map<String, Object> body, String member, String label) {
        Object value = body.get(member);
        if (value == null || value == Json.NULL) throw ServiceException.badRequest(label + " is required");
        if (!(value instanceof String s)) throw ServiceException.badRequest(label + " must be a string");
        return s;
    }

    /** The model's uuid shape, matched in full: anything else cannot name a profile. */
    static final Pattern PROFILE_ID = Pattern.compile("^[a-f0-9]{32}$");
    /** A key value: the model's string1To255. */
    static final int MAX_VALUE_LENGTH = 255;

    static String profileId(Map<String, Object> body, String member) {
        String id = requiredString(body, member);
        checkPattern(member, id, PROFILE_ID);
        return id;
    }

    static String keyName(Map<String, Object> body, String label) {
        String name = requiredString(body, "KeyName", label);
        checkLength(label, name, Names.NAME_MIN, Names.NAME_MAX);
        checkPattern(label, name, Names.NAME);
        return name;
    }

    /** The Values member: a required list of 1..{@code maxItems} strings of 1..255 characters; {@code member} names it. */
    static List<String> values(Map<String, Object> body, String member, int maxItems) {
        Object value = body.get("Values");
        if (value == null || value == Json.NULL) throw ServiceException.badRequest(member + " is required");
        if (!(value instanceof List<?> list)) throw ServiceException.badRequest(member + " must be a list of strings");
        if (list.isEmpty() || list.size() > maxItems) {
            throw ServiceException.badRequest(member + " must hold between 1 and " + maxItems + " values (had " + list.size() + ")");
        }
        List<String> values = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) throw ServiceException.badRequest(member + " must be a list of strings");
            checkLength(member + " value", s, 1, MAX_VALUE_LENGTH);
            values.add(s);
        }
        return values;
    }

    /** An optional JSON object member, or null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> optionalObject(Map<String, Object> body, String member) {
        Object value = body.get(member);
        if (value == null || value == Json.NULL) return null;
        if (!(value instanceof Map)) throw ServiceException.badRequest(member + " must be a JSON object");
        return (Map<String, Object>) value;
    }

    /** The max-results query parameter: 1..100, default 20 (the model's page size). */
    static int maxResults(String raw) {
        if (raw == null) return 20;
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= 100) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ServiceException.badRequest("max-results must be an integer between 1 and 100");
    }

    /** The next-token query parameter: opaque, at most 1024 characters (the model's token). */
    static String nextToken(String raw) {
        if (raw != null) checkLength("next-token", raw, 1, 1024);
        return raw;
    }

    /** A URI member: it arrives percent-decoded, or null when the route had none. */
    static String requiredUriMember(String value, String member) {
        if (value == null) throw ServiceException.badRequest(member + " is required");
        return value;
    }

    static void checkLength(String member, String value, int min, int max) {
        int length = value.codePointCount(0, value.length());
        if (length < min || length > max) {
            throw ServiceException.badRequest(member + " must be between " + min + " and " + max
                    + " characters long (was " + length + ")");
        }
    }

    static void checkPattern(String member, String value, Pattern pattern) {
        if (!pattern.matcher(value).matches()) {
            throw ServiceException.badRequest(member + " must match the pattern " + pattern.pattern());
        }
    }
}

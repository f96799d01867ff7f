package org.openprofiles.service;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.openprofiles.json.Json;

/**
 * One Amazon Connect contact record as its data stream delivers it: the JSON exactly as sent, which is
 * what is stored, and the two members the consumer itself reads. Connect streams PascalCase ({@code ContactId},
 * {@code LastUpdateTimestamp}); the seed's example and the API's sample are camelCase. Both are read here, and only
 * here: the CTR templates' Sources read both shapes the same way, so the record is stored as sent.
 *
 * @param json            the record as sent
 * @param object          the same, parsed
 * @param lastUpdatedAt   its LastUpdateTimestamp in epoch milliseconds; 0 when the record has none, so that such a
 *                        copy ranks below every copy that has one and equal to another without (a duplicate)
 */
public record ContactRecord(String contactId, long lastUpdatedAt, String json, Map<String, Object> object) {
    /** Connect's own limit on ContactId (the contact records data model). */
    static final int MAX_CONTACT_ID_LENGTH = 256;

    /** Why a record can never be stored: the same bytes would be refused on every delivery. */
    public enum Problem { NOT_TEXT, TOO_LARGE, NOT_JSON, NO_CONTACT_ID, BAD_TIMESTAMP, UNKNOWN_DOMAIN_OR_TYPE, INVALID }

    /** A record that can never be stored, with the reason (which may quote the record: customer data). */
    public static final class Refused extends RuntimeException {
        private final Problem problem;

        public Refused(Problem problem, String reason) {
            super(reason, null, false, false);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    /** @throws Refused when the bytes are not one contact record this consumer can order and identify */
    @SuppressWarnings("unchecked")
    public static ContactRecord parse(byte[] data) {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(Problem.NOT_TEXT, "the record is not UTF-8 text");
        }
        if (json.length() > PutProfileObjectRequest.MAX_OBJECT_LENGTH) {
            throw new Refused(Problem.TOO_LARGE, "the record has " + json.length() + " characters; an object holds at most "
                    + PutProfileObjectRequest.MAX_OBJECT_LENGTH);
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (Json.ParseException e) {
            throw new Refused(Problem.NOT_JSON, "the record is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map)) throw new Refused(Problem.NOT_JSON, "the record must be a JSON object");
        Map<String, Object> object = (Map<String, Object>) parsed;

        Object id = member(object, "ContactId");
        if (!(id instanceof String contactId) || contactId.isBlank()) {
            throw new Refused(Problem.NO_CONTACT_ID, "ContactId is required and must be a non-empty string");
        }
        if (contactId.length() > MAX_CONTACT_ID_LENGTH) {
            throw new Refused(Problem.NO_CONTACT_ID, "ContactId must be at most " + MAX_CONTACT_ID_LENGTH + " characters");
        }
        return new ContactRecord(contactId, lastUpdatedAt(member(object, "LastUpdateTimestamp")), json, object);
    }

    /** A member by its PascalCase name, or by the camelCase one when the record has no PascalCase member. */
    private static Object member(Map<String, Object> object, String pascalCase) {
        Object value = object.get(pascalCase);
        if (value != null && value != Json.NULL) return value;
        value = object.get(Character.toLowerCase(pascalCase.charAt(0)) + pascalCase.substring(1));
        return value == Json.NULL ? null : value;
    }

    /** ISO-8601 ({@code 2026-01-31T12:00:00Z}, fractions and offsets allowed) or epoch milliseconds (number or digits). */
    static long lastUpdatedAt(Object value) {
        if (value == null) return 0;
        String text = value instanceof Json.JsonNumber n ? n.text() : value instanceof String s ? s.trim() : null;
        if (text != null && !text.isEmpty()) {
            if (text.chars().allMatch(Character::isDigit) && text.length() <= 18) return Long.parseLong(text);
            try {
                return instant(text).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                // refused below
            }
        }
        throw new Refused(Problem.BAD_TIMESTAMP,
                "LastUpdateTimestamp must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, or epoch milliseconds");
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }
}

package org.openprofiles.calculated;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The timestamp forms calculated attributes read: ISO-8601 instants and epoch milliseconds. */
public final class Timestamps {
    /** {@code TimestampFormat} values. */
    public static final String EPOCHMILLI = "EPOCHMILLI";
    public static final String ISO_8601 = "ISO_8601";

    private static final DateTimeFormatter COMPACT_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]xx");

    private Timestamps() {}

    /** An ISO-8601 instant (Z, +HH:MM or +HHMM; seconds or fractions), in epoch milliseconds; null when it is not one. */
    public static Long iso(String text) {
        if (text == null) return null;
        String t = text.trim();
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            // other offsets below
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // compact offset below
        }
        try {
            return OffsetDateTime.parse(t, COMPACT_OFFSET).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Epoch milliseconds written as a whole number; null when it is not one. */
    public static Long epochMilli(String text) {
        if (text == null) return null;
        String t = text.trim();
        if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
        return Long.parseLong(t);
    }

    /** A value in the given {@code TimestampFormat} (null: either form), in epoch milliseconds; null when unparseable. */
    public static Long parse(String text, String format) {
        if (EPOCHMILLI.equals(format)) return epochMilli(text);
        if (ISO_8601.equals(format)) return iso(text);
        Long millis = epochMilli(text);
        return millis != null ? millis : iso(text);
    }

    /** Epoch milliseconds as the wire's epoch seconds (a plain decimal: fractions only when there are any). */
    public static BigDecimal seconds(long epochMillis) {
        BigDecimal seconds = BigDecimal.valueOf(epochMillis, 3).stripTrailingZeros();
        return seconds.scale() < 0 ? seconds.setScale(0) : seconds;
    }
}

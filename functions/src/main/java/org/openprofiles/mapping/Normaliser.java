package org.openprofiles.mapping;

import java.math.BigDecimal;
import java.util.Locale;
import org.openprofiles.model.ContentType;

/**
 * Normalises a field value by its ContentType before it is indexed or matched as a key value
 * (spec 2.3). Returns "" when nothing meaningful is left, which makes the value count as empty.
 */
public final class Normaliser {
    /**
     * Longest number text that is put in canonical form. Longer texts stay as written: a key value
     * is at most 255 characters anyway, and parsing or expanding a huge number ("1e999999999")
     * would cost unbounded time and memory.
     */
    static final int MAX_NUMBER_TEXT = 255;

    private Normaliser() {}

    public static String normalise(ContentType type, String raw) {
        if (raw == null || raw.isBlank()) return "";
        return switch (type) {
            case STRING -> raw;
            case EMAIL_ADDRESS -> raw.strip().toLowerCase(Locale.ROOT);
            case NAME -> collapseWhitespace(raw).toLowerCase(Locale.ROOT);
            case NUMBER -> number(raw.strip());
            case PHONE_NUMBER -> phone(raw.strip());
        };
    }

    /** Trims, and turns each run of whitespace into one space (NAME values and #removeExtraSpace). */
    static String collapseWhitespace(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean spacePending = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isWhitespace(c)) {
                spacePending = !out.isEmpty();
            } else {
                if (spacePending) out.append(' ');
                spacePending = false;
                out.appendCodePoint(c);
            }
        }
        return out.toString();
    }

    /** "27", "27.0" and "2.7e1" are one number; the exponent is bounded so the result stays short. */
    private static String number(String text) {
        if (text.length() > MAX_NUMBER_TEXT) return text;
        try {
            BigDecimal value = new BigDecimal(text);
            if (value.signum() == 0) return "0";
            BigDecimal canonical = value.stripTrailingZeros();
            return Math.abs(canonical.scale()) > MAX_NUMBER_TEXT ? text : canonical.toPlainString();
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /**
     * Formatting is ignored, and numbers become E.164 with North America (+1) as the default
     * region, since the docs' examples are North American: "+1 (206) 345-7890", "206-345-7890"
     * and "2063457890" are all "+12063457890". A number with an explicit '+' or "00" prefix keeps
     * its country code; other digit strings are kept as they are, since their region is unknown.
     */
    private static String phone(String text) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') digits.append(c);
        }
        if (digits.isEmpty()) return "";
        if (text.startsWith("+")) return "+" + digits;
        if (text.startsWith("00") && digits.length() > 2) return "+" + digits.substring(2);
        if (digits.length() == 10) return "+1" + digits;
        if (digits.length() == 11 && digits.charAt(0) == '1') return "+" + digits;
        return digits.toString();
    }
}

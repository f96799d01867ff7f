package org.openprofiles.mapping;

import java.math.BigDecimal;
import java.util.Locale;
import org.openprofiles.model.ContentType;

/**
 * Normalises a field value by its ContentType before it is indexed or matched as a key value
 *. Returns "" when nothing meaningful is left, which makes the value count as empty.
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

    /** What a PHONE_NUMBER value must look like, for the messages that refuse one. */
    public static final String PHONE_RULE = "a phone number has 7 to 15 digits, may start with +, 00 or 011, may use spaces"
            + " and - . ( ) / as formatting, and may end with an extension (x, ext, ext., extension, # or ;ext= and digits)";

    /** E.164 allows at most 15 digits; longer digit strings are not phone numbers. */
    static final int MAX_PHONE_DIGITS = 15;
    /** Fewer digits than this cannot be a whole subscriber number anywhere. */
    static final int MIN_PHONE_DIGITS = 7;
    /** Room for 15 digits after the longest international prefix ("011"). */
    private static final int MAX_WRITTEN_DIGITS = MAX_PHONE_DIGITS + 3;

    /**
     * A phone number as a key value, or "" when the text is not a phone number.
     * In order: a {@code tel:} prefix is dropped (the '+' kept); an extension ({@code x}, {@code ext},
     * {@code ext.}, {@code extension}, {@code #}, {@code ;ext=} followed by digits) is cut off;
     * formatting (spaces, {@code - . ( ) /}) is ignored; a bracketed trunk {@code (0)} right after a
     * country code is dropped; {@code 00} and {@code 011} become '+'; 10 digits whose first is 2-9,
     * or 11 starting with 1, are North American (+1); other national numbers stay digits, with no
     * country guessed. Fewer than 7 or more than 15 digits, or anything else left (letters, other
     * symbols, a '+' after the first digit), and the text is not a phone number.
     *
     * <p>One pass over the text, no regex, one small buffer: this runs for every PHONE_NUMBER field
     * of every object and every searched value.
     */
    private static String phone(String text) {
        int end = text.length();
        int i = 0;
        while (i < end && isPhoneSpace(text.charAt(i))) i++;
        if (text.regionMatches(true, i, "tel:", 0, 4)) i += 4;

        // Digits go to buf[2..]; the two slots in front take a "+" or "+1" without copying.
        char[] buf = new char[2 + MAX_WRITTEN_DIGITS];
        int n = 0;
        boolean plus = false;
        for (; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (n == MAX_WRITTEN_DIGITS) return "";
                buf[2 + n++] = c;
            } else if (c == '+') {
                if (plus || n > 0) return "";
                plus = true;
            } else if (c == '(' && text.startsWith("(0)", i) && isTrunkPosition(buf, n, plus)) {
                i += 2; // "+44 (0)20 ...": the trunk prefix is dialled only inside the country
            } else if (isPhoneFormatting(c)) {
                // ignored
            } else {
                int extension = extensionMarkerEnd(text, i);
                if (extension < 0 || !isExtensionDigits(text, extension)) return "";
                break;
            }
        }

        int prefix = plus ? 0 : internationalPrefixLength(buf, n);
        int digits = prefix < 0 ? n : n - prefix;
        if (digits < MIN_PHONE_DIGITS || digits > MAX_PHONE_DIGITS) return "";
        if (prefix >= 0) {
            int start = 2 + prefix - 1;
            buf[start] = '+';
            return new String(buf, start, digits + 1);
        }
        if (n == 10 && buf[2] >= '2') {
            buf[0] = '+';
            buf[1] = '1';
            return new String(buf, 0, n + 2);
        }
        if (n == 11 && buf[2] == '1') {
            buf[1] = '+';
            return new String(buf, 1, n + 1);
        }
        return new String(buf, 2, n);
    }

    /** 2 for "00", 3 for "011", -1 for a number written without an international prefix. */
    private static int internationalPrefixLength(char[] buf, int n) {
        if (n >= 2 && buf[2] == '0' && buf[3] == '0') return 2;
        if (n >= 3 && buf[2] == '0' && buf[3] == '1' && buf[4] == '1') return 3;
        return -1;
    }

    /** "(0)" is a trunk prefix when it follows a country code: 1 to 3 digits after '+', "00" or "011". */
    private static boolean isTrunkPosition(char[] buf, int n, boolean plus) {
        int prefix = plus ? 0 : internationalPrefixLength(buf, n);
        if (prefix < 0) return false;
        int countryDigits = n - prefix;
        return countryDigits >= 1 && countryDigits <= 3;
    }

    /** Spaces (including no-break and other Unicode spaces), dashes, dots, brackets and slashes. */
    private static boolean isPhoneFormatting(char c) {
        return c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || isPhoneSpace(c)
                || (c >= '\u2010' && c <= '\u2015') || c == '\u2212'; // hyphens and dashes a word processor substitutes
    }

    private static boolean isPhoneSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** Where the digits of an extension marker starting at {@code i} begin, or -1 when none starts there. */
    private static int extensionMarkerEnd(String text, int i) {
        char c = text.charAt(i);
        if (c == '#' || c == 'x' || c == 'X') return i + 1;
        if (c == ';') return text.regionMatches(true, i, ";ext=", 0, 5) ? i + 5 : -1;
        if (c == 'e' || c == 'E') {
            if (text.regionMatches(true, i, "extension", 0, 9)) return i + 9;
            if (text.regionMatches(true, i, "ext.", 0, 4)) return i + 4;
            if (text.regionMatches(true, i, "ext", 0, 3)) return i + 3;
        }
        return -1;
    }

    /** The rest of the text is an extension: optional spaces, at least one digit, optional spaces. */
    private static boolean isExtensionDigits(String text, int from) {
        int i = from;
        int end = text.length();
        while (i < end && isPhoneSpace(text.charAt(i))) i++;
        int digitsStart = i;
        while (i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9') i++;
        if (i == digitsStart) return false;
        while (i < end && isPhoneSpace(text.charAt(i))) i++;
        return i == end;
    }
}

package org.openprofiles.calculated;

import java.math.BigDecimal;

/** How values look on the wire: plain decimal strings of at most 255 characters. */
public final class Values {
    static final int MAX_LENGTH = 255;

    private Values() {}

    /** A number as a plain decimal: no exponent, no trailing zeros ("24144", "2.5", "0"). */
    public static String format(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() < 0) stripped = stripped.setScale(0);
        return stripped.toPlainString();
    }

    /** A text value cut to the 255 characters the model allows. */
    static String text(String value) {
        if (value.codePointCount(0, value.length()) <= MAX_LENGTH) return value;
        return value.substring(0, value.offsetByCodePoints(0, MAX_LENGTH));
    }

    /** A decimal number written plainly or with an exponent; null for anything else (including NaN and infinities). */
    public static BigDecimal decimal(String text) {
        if (text == null) return null;
        String t = text.trim();
        if (t.isEmpty() || !(Character.isDigit(t.charAt(t.length() - 1)) || t.charAt(t.length() - 1) == '.')) return null;
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

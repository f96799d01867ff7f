package org.openprofiles.calculated;

import java.math.BigDecimal;

/**
 * A definition's {@code Conditions}: which objects count by time ({@link Range}), how many of the newest
 * ({@code objectCount}), and whether the value is compared with a {@link Threshold}. Every member may be null.
 */
public record Conditions(Range range, Integer objectCount, Threshold threshold) {
    public static final Conditions NONE = new Conditions(null, null, null);

    /** Unit of ranges: the model has DAYS only. */
    public static final String DAYS = "DAYS";
    static final long DAY_MILLIS = 86_400_000L;

    /**
     * A time window in days before the read. {@code value}: the last {@code value} days. {@code start}/{@code end}
     * (ValueRange, which overrides Value): from {@code start} days ago to {@code end} days ago (negative: in the future).
     * {@code timestampSource}: the object's own field ({@code {Type.path}}) that places it in time, read in
     * {@code timestampFormat}; without one, the time the object was last ingested.
     */
    public record Range(Integer value, Integer start, Integer end, String timestampSource, String timestampFormat) {
        /** The window's first instant (epoch ms). */
        long from(long nowMillis) {
            return nowMillis - (start != null ? start : value) * DAY_MILLIS;
        }

        /** The window's last instant (epoch ms). */
        long to(long nowMillis) {
            return start != null ? nowMillis - end * DAY_MILLIS : nowMillis;
        }

        /** The path of {@code timestampSource} inside the object (after the type name), or null. */
        public String sourcePath() {
            if (timestampSource == null) return null;
            String inner = timestampSource.substring(1, timestampSource.length() - 1);
            return inner.substring(inner.indexOf('.') + 1);
        }

        /** The same range with another window (BatchGet's ConditionOverrides), keeping where time is read from. */
        public Range window(int startDays, int endDays) {
            return new Range(null, startDays, endDays, timestampSource, timestampFormat);
        }
    }

    /** Turns the value into "true" or "false": {@code value <operator> threshold}. */
    public record Threshold(String value, String operator) {
        public static final java.util.List<String> OPERATORS = java.util.List.of("EQUAL_TO", "GREATER_THAN", "LESS_THAN", "NOT_EQUAL_TO");

        /** Numbers compare as numbers when both sides are numbers; otherwise as text (lexicographically for GREATER/LESS). */
        String apply(String calculated) {
            BigDecimal left = Values.decimal(calculated);
            BigDecimal right = Values.decimal(value);
            int order = left != null && right != null ? left.compareTo(right) : calculated.compareTo(value);
            boolean result = switch (operator) {
                case "EQUAL_TO" -> order == 0;
                case "NOT_EQUAL_TO" -> order != 0;
                case "GREATER_THAN" -> order > 0;
                default -> order < 0;
            };
            return Boolean.toString(result);
        }
    }
}

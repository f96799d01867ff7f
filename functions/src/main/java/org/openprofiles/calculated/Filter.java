package org.openprofiles.calculated;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A definition's {@code Filter}: which objects of the type count. {@code include} combines the groups and each group's
 * {@code type} combines its dimensions: ALL (every one matches), ANY (at least one), NONE (none matches). All attributes
 * of one dimension must match; an attribute matches when any of its values does (EXCLUSIVE: when it equals none).
 */
public record Filter(String include, List<Group> groups) {
    public static final List<String> COMBINATIONS = List.of("ALL", "ANY", "NONE");
    public static final List<String> STRING_TYPES = List.of("INCLUSIVE", "EXCLUSIVE", "CONTAINS", "BEGINS_WITH", "ENDS_WITH");
    public static final List<String> DATE_TYPES = List.of("BEFORE", "AFTER", "BETWEEN", "NOT_BETWEEN", "ON");
    public static final List<String> NUMBER_TYPES = List.of("GREATER_THAN", "LESS_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL",
            "EQUAL");

    public record Group(String type, List<Map<String, Dimension>> dimensions) {}

    /** One attribute's condition: {@code dimensionType} over 1 to 10 values. */
    public record Dimension(String dimensionType, List<String> values) {}

    /** Whether an object (its attributes by name) passes the filter. */
    public boolean matches(Function<String, String> attribute) {
        return combine(include, groups, group -> combine(group.type(), group.dimensions(), dimension -> {
            for (Map.Entry<String, Dimension> entry : dimension.entrySet()) {
                if (!matches(entry.getValue(), attribute.apply(entry.getKey()))) return false;
            }
            return true;
        }));
    }

    private static <T> boolean combine(String how, List<T> parts, java.util.function.Predicate<T> matches) {
        return switch (how) {
            case "ALL" -> parts.stream().allMatch(matches);
            case "ANY" -> parts.stream().anyMatch(matches);
            default -> parts.stream().noneMatch(matches);
        };
    }

    /** One attribute's value (null: absent) against one dimension. An absent value matches EXCLUSIVE only. */
    static boolean matches(Dimension dimension, String value) {
        String type = dimension.dimensionType();
        List<String> values = dimension.values();
        if (value == null) return type.equals("EXCLUSIVE");
        switch (type) {
            case "INCLUSIVE": return values.contains(value);
            case "EXCLUSIVE": return !values.contains(value);
            case "CONTAINS": return values.stream().anyMatch(value::contains);
            case "BEGINS_WITH": return values.stream().anyMatch(value::startsWith);
            case "ENDS_WITH": return values.stream().anyMatch(value::endsWith);
            case "BETWEEN": return between(values, value);
            case "NOT_BETWEEN": return !between(values, value);
            default: break;
        }
        if (DATE_TYPES.contains(type)) {
            Long at = Timestamps.parse(value, null);
            if (at == null) return false;
            for (String bound : values) {
                long b = Timestamps.iso(bound);
                boolean match = switch (type) {
                    case "BEFORE" -> at < b;
                    case "AFTER" -> at > b;
                    default -> day(at).equals(day(b)); // ON: the same UTC day
                };
                if (match) return true;
            }
            return false;
        }
        BigDecimal number = Values.decimal(value);
        if (number == null) return false;
        for (String bound : values) {
            int order = number.compareTo(Values.decimal(bound));
            boolean match = switch (type) {
                case "GREATER_THAN" -> order > 0;
                case "LESS_THAN" -> order < 0;
                case "GREATER_THAN_OR_EQUAL" -> order >= 0;
                case "LESS_THAN_OR_EQUAL" -> order <= 0;
                default -> order == 0; // EQUAL
            };
            if (match) return true;
        }
        return false;
    }

    /** Inclusive; instants when the bounds are instants, numbers otherwise (validation allows only those two). */
    private static boolean between(List<String> bounds, String value) {
        Long low = Timestamps.iso(bounds.get(0));
        if (low != null) {
            Long at = Timestamps.parse(value, null);
            return at != null && at >= low && at <= Timestamps.iso(bounds.get(1));
        }
        BigDecimal number = Values.decimal(value);
        return number != null && number.compareTo(Values.decimal(bounds.get(0))) >= 0 && number.compareTo(Values.decimal(bounds.get(1))) <= 0;
    }

    private static LocalDate day(long epochMillis) {
        return java.time.Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC).toLocalDate();
    }
}

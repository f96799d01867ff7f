package org.openprofiles.calculated;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A definition's value over one profile's objects of its type, at one instant. The selected data are the objects
 * ingested since the definition's data start, passing its Filter, inside its Range, then the {@code ObjectCount} newest
 * of those; the statistic reduces them (objects whose expression has no value are skipped), and a Threshold turns the
 * result into "true" or "false". Objects are placed in time by the Range's TimestampSource when it has one, else by
 * when they were last ingested; ties are ordered by unique key.
 */
public final class Calculator {
    private Calculator() {}

    /** One object selected, with the instant that places it. */
    private record Placed(Observation object, long at) {}

    /**
     * @param rangeOverride     BatchGet's ConditionOverrides range, replacing the definition's (null: none)
     * @param profileCreatedAtMillis when the profile was created (TIME_DIFFERENCE_FROM_NOW reads it)
     */
    public static Result calculate(Definition definition, List<Observation> objects, long nowMillis, Conditions.Range rangeOverride,
                                   long profileCreatedAtMillis) {
        Conditions conditions = definition.conditions();
        Conditions.Threshold threshold = conditions.threshold();
        if (definition.statistic() == Statistic.TIME_DIFFERENCE_FROM_NOW) {
            // Whole days since the profile was created (the default _new_customer reads {_profile.createdAt}).
            String days = Long.toString(Math.floorDiv(nowMillis - profileCreatedAtMillis, Conditions.DAY_MILLIS));
            return new Result(threshold == null ? days : threshold.apply(days), false, null);
        }
        Conditions.Range range = rangeOverride != null ? rangeOverride : conditions.range();
        Long dataStart = definition.dataStartMillis();
        Expression expression = definition.expression();
        List<Placed> selected = new ArrayList<>();
        for (Observation object : objects) {
            if (dataStart != null && object.ingestedAtMillis() < dataStart) continue;
            if (definition.filter() != null && !definition.filter().matches(object.attribute())) continue;
            long at = object.ingestedAtMillis();
            if (range != null && range.timestampSource() != null) {
                Long placed = Timestamps.parse(object.attribute().apply(range.sourcePath()), range.timestampFormat());
                if (placed == null) continue; // cannot be placed in time: outside every window
                at = placed;
            }
            if (range != null && (at < range.from(nowMillis) || at > range.to(nowMillis))) continue;
            selected.add(new Placed(object, at));
        }
        selected.sort(Comparator.comparingLong(Placed::at).thenComparing(p -> p.object().uniqueKey()));
        Integer count = conditions.objectCount();
        boolean partial = count != null && selected.size() < count
                || range != null && dataStart != null && range.from(nowMillis) < dataStart;
        if (count != null && selected.size() > count) selected = selected.subList(selected.size() - count, selected.size());

        List<Placed> used = new ArrayList<>();
        String value = statistic(definition.statistic(), expression, selected, used);
        if (value != null && threshold != null) value = threshold.apply(value);
        Long last = used.stream().map(Placed::at).max(Long::compare).orElse(null);
        return new Result(value == null ? null : Values.text(value), partial, last);
    }

    /** The statistic over the selected objects (oldest first); {@code used} receives those it read a value from. */
    private static String statistic(Statistic statistic, Expression expression, List<Placed> selected, List<Placed> used) {
        switch (statistic) {
            case COUNT: {
                for (Placed p : selected) if (expression.present(p.object().attribute())) used.add(p);
                return Integer.toString(used.size());
            }
            case FIRST_OCCURRENCE:
            case LAST_OCCURRENCE: {
                List<Placed> order = new ArrayList<>(selected);
                if (statistic == Statistic.LAST_OCCURRENCE) java.util.Collections.reverse(order);
                for (Placed p : order) {
                    String v = expression.evaluate(p.object().attribute());
                    if (v != null) {
                        used.add(p);
                        return v;
                    }
                }
                return null;
            }
            case MAX_OCCURRENCE: {
                Map<String, Integer> occurrences = new HashMap<>();
                Map<String, Integer> latest = new HashMap<>();
                for (int i = 0; i < selected.size(); i++) {
                    String v = expression.evaluate(selected.get(i).object().attribute());
                    if (v == null) continue;
                    used.add(selected.get(i));
                    occurrences.merge(v, 1, Integer::sum);
                    latest.put(v, i);
                }
                // Most occurrences; on a tie, the value that occurred most recently.
                return occurrences.keySet().stream().max(Comparator.comparing((String v) -> occurrences.get(v))
                        .thenComparing(latest::get)).orElse(null);
            }
            default: {
                BigDecimal result = null;
                int n = 0;
                for (Placed p : selected) {
                    BigDecimal v = Values.decimal(expression.evaluate(p.object().attribute()));
                    if (v == null) continue;
                    used.add(p);
                    n++;
                    result = result == null ? v : switch (statistic) {
                        case MINIMUM -> result.min(v);
                        case MAXIMUM -> result.max(v);
                        default -> result.add(v); // SUM, AVERAGE
                    };
                }
                if (result == null) return null;
                if (statistic == Statistic.AVERAGE) result = result.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64);
                return Values.format(result);
            }
        }
    }
}

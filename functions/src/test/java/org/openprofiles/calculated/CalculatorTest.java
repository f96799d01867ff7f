package org.openprofiles.calculated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every statistic, condition, filter dimension and format of calculated attributes, as plain Java. */
class CalculatorTest {
    static final long DAY = 86_400_000L;
    static final long NOW = 1_800_000_000_000L;

    /** An object ingested {@code daysAgo} days before NOW, with attributes given as name, value, name, value... */
    static Observation object(String key, double daysAgo, String... attributes) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < attributes.length; i += 2) values.put(attributes[i], attributes[i + 1]);
        return new Observation(key, NOW - (long) (daysAgo * DAY), values::get);
    }

    static Definition definition(Statistic statistic, String expression, List<String> attributes, Conditions conditions, Filter filter,
                                 Long dataStart) {
        return new Definition("attr", "Attr", null, attributes, expression, statistic, conditions, filter, null, null, 0L, 0L, dataStart,
                false);
    }

    static Definition of(Statistic statistic) {
        return definition(statistic, "{T.v}", List.of("v"), Conditions.NONE, null, null);
    }

    static Result calc(Definition d, Observation... objects) {
        return Calculator.calculate(d, List.of(objects), NOW, null, NOW);
    }

    static final Observation[] MIXED = {object("a", 3, "v", "10"), object("b", 2, "v", "2.50"), object("c", 1, "v", "x"),
            object("d", 0.5), object("e", 4, "v", "-1")};

    @ParameterizedTest
    @CsvSource({"COUNT,4", "SUM,11.5", "MINIMUM,-1", "MAXIMUM,10", "AVERAGE,3.833333333333333", "FIRST_OCCURRENCE,-1",
            "LAST_OCCURRENCE,x", "MAX_OCCURRENCE,x"})
    void everyStatisticOverTheSelectedObjects(Statistic statistic, String expected) {
        // COUNT counts objects that have the attribute; numbers skip "x"; FIRST/LAST go by ingestion time, skipping "d" (no value);
        // MAX_OCCURRENCE: four values once each, the tie goes to the one seen last ("x").
        assertEquals(expected, calc(of(statistic), MIXED).value());
    }

    @Test
    void aTieBetweenEquallyFrequentValuesGoesToTheOneOccurringLast() {
        assertEquals("voice", calc(of(Statistic.MAX_OCCURRENCE), object("1", 5, "v", "voice"), object("2", 4, "v", "chat"),
                object("3", 3, "v", "chat"), object("4", 2, "v", "voice")).value());
        assertEquals("chat", calc(of(Statistic.MAX_OCCURRENCE), object("1", 5, "v", "voice"), object("2", 4, "v", "chat"),
                object("3", 3, "v", "voice"), object("4", 2, "v", "chat")).value());
    }

    @Test
    void noObjectsGiveACountOfZeroAndNoValueOtherwise() {
        assertEquals("0", calc(of(Statistic.COUNT)).value());
        for (Statistic s : List.of(Statistic.SUM, Statistic.AVERAGE, Statistic.FIRST_OCCURRENCE, Statistic.MAX_OCCURRENCE)) {
            Result r = calc(of(s));
            assertNull(r.value(), s.name());
            assertNull(r.lastObjectTimestampMillis());
            assertFalse(r.dataPartial());
        }
    }

    @Test
    void objectsIngestedInTheSameMomentAreOrderedByUniqueKey() {
        assertEquals("second", calc(of(Statistic.LAST_OCCURRENCE), object("b", 1, "v", "second"), object("a", 1, "v", "first")).value());
        assertEquals("first", calc(of(Statistic.FIRST_OCCURRENCE), object("b", 1, "v", "second"), object("a", 1, "v", "first")).value());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"{T.a} + {T.b};7.5", "{T.a} - {T.b};2.5", "{T.a} * {T.b};12.5", "{T.a} / {T.b};2",
            "{T.a}+{T.b};7.5"})
    void arithmeticBetweenTwoAttributes(String expression, String expected) {
        Definition d = definition(Statistic.SUM, expression, List.of("a", "b"), Conditions.NONE, null, null);
        assertEquals(expected, calc(d, object("1", 1, "a", "5", "b", "2.5")).value());
    }

    @Test
    void anObjectMissingAnOperandOrDividingByZeroIsSkipped() {
        Definition d = definition(Statistic.AVERAGE, "{T.a} / {T.b}", List.of("a", "b"), Conditions.NONE, null, null);
        assertEquals("3", calc(d, object("1", 1, "a", "6", "b", "2"), object("2", 1, "a", "6", "b", "0"), object("3", 1, "a", "6"),
                object("4", 1, "a", "six", "b", "1")).value());
        Definition count = definition(Statistic.COUNT, "{T.a} / {T.b}", List.of("a", "b"), Conditions.NONE, null, null);
        assertEquals("2", calc(count, object("1", 1, "a", "6", "b", "2"), object("2", 1, "a", "6", "b", "0"), object("3", 1, "a", "6")).value(),
                "COUNT counts objects that have both attributes");
    }

    @Test
    void twoTimestampsSubtractedGiveMilliseconds() {
        Definition d = definition(Statistic.AVERAGE, "{CTR.disconnectTimestamp} - {CTR.initiationTimestamp}",
                List.of("disconnectTimestamp", "initiationTimestamp"), Conditions.NONE, null, null);
        assertEquals("250000", calc(d, object("1", 1, "disconnectTimestamp", "2026-12-05T10:04:10Z", "initiationTimestamp",
                "2026-12-05T10:00:00Z")).value());
        assertEquals("1500", calc(d, object("1", 1, "disconnectTimestamp", "2026-12-05T12:00:01.500+02:00", "initiationTimestamp",
                "2026-12-05T10:00:00Z")).value());
    }

    @Test
    void valuesArePlainDecimalsAndTextIsCutTo255Characters() {
        assertEquals("1000", calc(of(Statistic.SUM), object("1", 1, "v", "1E+3")).value());
        assertEquals("0.1", calc(of(Statistic.SUM), object("1", 1, "v", "0.10")).value());
        assertEquals("0", calc(of(Statistic.SUM), object("1", 1, "v", "0.00")).value());
        assertEquals("0.3333333333333333", calc(of(Statistic.AVERAGE), object("1", 1, "v", "1"), object("2", 1, "v", "0"),
                object("3", 1, "v", "0")).value(), "AVERAGE: 16 significant digits (DECIMAL64)");
        assertEquals(255, calc(of(Statistic.LAST_OCCURRENCE), object("1", 1, "v", "x".repeat(300))).value().length());
    }

    @Test
    void rangeByIngestionTimeKeepsTheLastDaysAndValueRangeAWindow() {
        Observation[] objects = {object("1", 40, "v", "1"), object("2", 20, "v", "1"), object("3", 5, "v", "1"), object("4", 0.1, "v", "1")};
        Conditions last30 = new Conditions(new Conditions.Range(30, null, null, null, null), null, null);
        assertEquals("3", calc(definition(Statistic.COUNT, "{T.v}", List.of("v"), last30, null, null), objects).value());
        Conditions tenToThirty = new Conditions(new Conditions.Range(null, 30, 10, null, null), null, null);
        assertEquals("1", calc(definition(Statistic.COUNT, "{T.v}", List.of("v"), tenToThirty, null, null), objects).value());
        Conditions future = new Conditions(new Conditions.Range(null, -1, -5, null, null), null, null);
        assertEquals("0", calc(definition(Statistic.COUNT, "{T.v}", List.of("v"), future, null, null), objects).value());
        Conditions zero = new Conditions(new Conditions.Range(0, null, null, null, null), null, null);
        assertEquals("0", calc(definition(Statistic.COUNT, "{T.v}", List.of("v"), zero, null, null), objects).value());
        // BatchGet's override replaces the range.
        Result overridden = Calculator.calculate(definition(Statistic.COUNT, "{T.v}", List.of("v"), last30, null, null), List.of(objects), NOW,
                new Conditions.Range(null, null, null, null, null).window(50, 10), NOW);
        assertEquals("2", overridden.value());
    }

    @Test
    void rangeByTimestampSourceInEitherFormatOrdersFirstAndLastToo() {
        long recent = NOW - 2 * DAY;
        long old = NOW - 40 * DAY;
        Conditions epoch = new Conditions(new Conditions.Range(30, null, null, "{T.generatedAt.timestamp}", Timestamps.EPOCHMILLI), null, null);
        Definition last = definition(Statistic.LAST_OCCURRENCE, "{T.v}", List.of("v"), epoch, null, null);
        // Ingested in the opposite order to the objects' own timestamps: the source decides.
        Result r = calc(last, object("1", 0.1, "v", "old", "generatedAt.timestamp", Long.toString(old)),
                object("2", 1, "v", "recent", "generatedAt.timestamp", Long.toString(recent)),
                object("3", 0.5, "v", "unplaced", "generatedAt.timestamp", "yesterday"), object("4", 0.2, "v", "none"));
        assertEquals("recent", r.value());
        assertEquals(recent, r.lastObjectTimestampMillis());
        Conditions iso = new Conditions(new Conditions.Range(30, null, null, "{T.at}", Timestamps.ISO_8601), null, null);
        Definition count = definition(Statistic.COUNT, "{T.v}", List.of("v"), iso, null, null);
        assertEquals("2", calc(count, object("1", 50, "v", "a", "at", java.time.Instant.ofEpochMilli(recent).toString()),
                object("2", 50, "v", "b", "at", "2027-01-14T10:00:00+0100"), // 2027-01-14T09:00Z, a day before NOW
                object("3", 0, "v", "c", "at", java.time.Instant.ofEpochMilli(old).toString()),
                object("4", 0, "v", "d", "at", Long.toString(recent))).value(), "ISO_8601 does not read epoch milliseconds");
    }

    @Test
    void objectCountKeepsTheNewestAndMarksDataPartialWhenThereAreFewer() {
        Conditions newest2 = new Conditions(null, 2, null);
        Definition sum = definition(Statistic.SUM, "{T.v}", List.of("v"), newest2, null, null);
        Result r = calc(sum, object("1", 3, "v", "100"), object("2", 2, "v", "10"), object("3", 1, "v", "1"));
        assertEquals("11", r.value());
        assertFalse(r.dataPartial());
        assertEquals(NOW - DAY, r.lastObjectTimestampMillis());
        assertTrue(calc(sum, object("1", 3, "v", "100")).dataPartial(), "fewer objects than ObjectCount");
    }

    @Test
    void thresholdsCompareNumbersAsNumbersAndTextAsText() {
        Conditions over5 = new Conditions(null, null, new Conditions.Threshold("5", "GREATER_THAN"));
        Definition count = definition(Statistic.COUNT, "{T.v}", List.of("v"), over5, null, null);
        List<Observation> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) six.add(object("k" + i, 1, "v", "x"));
        assertEquals("true", Calculator.calculate(count, six, NOW, null, NOW).value());
        assertEquals("false", Calculator.calculate(count, six.subList(0, 5), NOW, null, NOW).value());
        assertEquals("false", calc(count).value(), "no objects: a count of 0 is compared");
        assertEquals("true", calc(definition(Statistic.SUM, "{T.v}", List.of("v"), new Conditions(null, null,
                new Conditions.Threshold("9", "GREATER_THAN")), null, null), object("1", 1, "v", "10")).value(), "10 > 9 as numbers");
        assertEquals("true", calc(definition(Statistic.LAST_OCCURRENCE, "{T.v}", List.of("v"), new Conditions(null, null,
                new Conditions.Threshold("VOICE", "EQUAL_TO")), null, null), object("1", 1, "v", "VOICE")).value());
        assertEquals("true", calc(definition(Statistic.LAST_OCCURRENCE, "{T.v}", List.of("v"), new Conditions(null, null,
                new Conditions.Threshold("VOICE", "NOT_EQUAL_TO")), null, null), object("1", 1, "v", "CHAT")).value());
        assertEquals("true", calc(definition(Statistic.LAST_OCCURRENCE, "{T.v}", List.of("v"), new Conditions(null, null,
                new Conditions.Threshold("VOICE", "LESS_THAN")), null, null), object("1", 1, "v", "CHAT")).value(), "lexicographic");
        assertNull(calc(definition(Statistic.SUM, "{T.v}", List.of("v"), over5, null, null)).value(), "no value: nothing to compare");
    }

    @Test
    void dataIngestedBeforeTheDataStartIsLeftOutAndAYoungerRangeIsPartial() {
        long start = NOW - 10 * DAY;
        Conditions last30 = new Conditions(new Conditions.Range(30, null, null, null, null), null, null);
        Definition count = definition(Statistic.COUNT, "{T.v}", List.of("v"), last30, null, start);
        Result r = calc(count, object("1", 20, "v", "x"), object("2", 5, "v", "x"));
        assertEquals("1", r.value(), "the object ingested before the watermark does not count");
        assertTrue(r.dataPartial(), "30 days asked, 10 days of data");
        Conditions last7 = new Conditions(new Conditions.Range(7, null, null, null, null), null, null);
        assertFalse(calc(definition(Statistic.COUNT, "{T.v}", List.of("v"), last7, null, start), object("2", 5, "v", "x")).dataPartial());
    }

    @Test
    void timeDifferenceFromNowCountsWholeDaysSinceTheProfileWasCreated() {
        Definition newCustomer = new Definition("_new_customer", null, null, List.of("createdAt"), "{_profile.createdAt}",
                Statistic.TIME_DIFFERENCE_FROM_NOW, new Conditions(null, null, new Conditions.Threshold("30", "LESS_THAN")), null, null, null,
                null, null, null, true);
        assertEquals("true", Calculator.calculate(newCustomer, List.of(), NOW, null, NOW - 29 * DAY - 1).value());
        assertEquals("false", Calculator.calculate(newCustomer, List.of(), NOW, null, NOW - 30 * DAY).value());
    }

    static Filter filter(String include, String type, Map<String, Filter.Dimension> dimension) {
        return new Filter(include, List.of(new Filter.Group(type, List.of(dimension))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "INCLUSIVE;Open|Pending;Open;true", "INCLUSIVE;Open;Closed;false",
            "EXCLUSIVE;Open|Pending;Closed;true", "EXCLUSIVE;Open;Open;false",
            "CONTAINS;pen;Open;true", "CONTAINS;PEN;Open;false",
            "BEGINS_WITH;Op;Open;true", "BEGINS_WITH;pe;Open;false",
            "ENDS_WITH;en;Open;true", "ENDS_WITH;Op;Open;false",
            "BEFORE;2026-01-01T00:00:00Z;2025-12-31T23:59:59Z;true", "BEFORE;2026-01-01T00:00:00Z;2026-01-01T00:00:00Z;false",
            "AFTER;2026-01-01T00:00:00Z;2026-01-01T00:00:01Z;true", "AFTER;2026-01-01T00:00:00Z;1767225600000;false",
            "ON;2026-01-01T08:00:00Z;2026-01-01T23:00:00Z;true", "ON;2026-01-01T08:00:00Z;2026-01-02T00:00:00Z;false",
            "BETWEEN;2026-01-01T00:00:00Z|2026-02-01T00:00:00Z;2026-02-01T00:00:00Z;true",
            "BETWEEN;10|20;20.5;false", "BETWEEN;10|20;10;true",
            "NOT_BETWEEN;10|20;21;true", "NOT_BETWEEN;10|20;15;false",
            "GREATER_THAN;100;100.5;true", "GREATER_THAN;100;100;false", "GREATER_THAN;100;abc;false",
            "LESS_THAN;100;99;true", "LESS_THAN;100;100;false",
            "GREATER_THAN_OR_EQUAL;100;100;true", "GREATER_THAN_OR_EQUAL;100;99.9;false",
            "LESS_THAN_OR_EQUAL;100;100.0;true", "LESS_THAN_OR_EQUAL;100;101;false",
            "EQUAL;100;1E+2;true", "EQUAL;100|5;6;false"})
    void everyDimensionType(String type, String values, String value, boolean matches) {
        Filter f = filter("ALL", "ALL", Map.of("status", new Filter.Dimension(type, List.of(values.split("\\|")))));
        Definition count = definition(Statistic.COUNT, "{T.v}", List.of("v"), Conditions.NONE, f, null);
        assertEquals(matches ? "1" : "0", calc(count, object("1", 1, "v", "x", "status", value)).value(), type + " " + values + " " + value);
    }

    @Test
    void anAbsentAttributeMatchesOnlyExclusive() {
        assertTrue(Filter.matches(new Filter.Dimension("EXCLUSIVE", List.of("Open")), null));
        assertFalse(Filter.matches(new Filter.Dimension("INCLUSIVE", List.of("Open")), null));
        assertFalse(Filter.matches(new Filter.Dimension("LESS_THAN", List.of("5")), null));
    }

    @Test
    void groupsAndDimensionsCombineByAllAnyAndNone() {
        Filter.Dimension open = new Filter.Dimension("INCLUSIVE", List.of("Open"));
        Filter.Dimension big = new Filter.Dimension("GREATER_THAN", List.of("100"));
        Observation openSmall = object("1", 1, "v", "x", "status", "Open", "amount", "5");
        Observation closedBig = object("2", 1, "v", "x", "status", "Closed", "amount", "500");
        Observation openBig = object("3", 1, "v", "x", "status", "Open", "amount", "500");
        Map<String, Filter> cases = Map.of(
                "1", new Filter("ALL", List.of(new Filter.Group("ALL", List.of(Map.of("status", open, "amount", big))))), // one dimension: AND
                "2", new Filter("ALL", List.of(new Filter.Group("ANY", List.of(Map.of("status", open), Map.of("amount", big))))),
                "3", new Filter("ANY", List.of(new Filter.Group("ALL", List.of(Map.of("status", open))),
                        new Filter.Group("ALL", List.of(Map.of("amount", big))))),
                "4", new Filter("ALL", List.of(new Filter.Group("ALL", List.of(Map.of("status", open))),
                        new Filter.Group("ALL", List.of(Map.of("amount", big))))),
                "5", new Filter("NONE", List.of(new Filter.Group("ALL", List.of(Map.of("status", open))))),
                "6", new Filter("ALL", List.of(new Filter.Group("NONE", List.of(Map.of("status", open), Map.of("amount", big))))));
        Map<String, String> expected = Map.of("1", "1", "2", "3", "3", "3", "4", "1", "5", "1", "6", "0");
        cases.forEach((name, f) -> assertEquals(expected.get(name), calc(definition(Statistic.COUNT, "{T.v}", List.of("v"), Conditions.NONE, f,
                null), openSmall, closedBig, openBig).value(), "case " + name));
    }

    @Test
    void theExpressionGrammar() {
        assertEquals("CTR", Expression.parse("{CTR.agent.id}", List.of("agent.id")).objectTypeName());
        assertEquals(List.of("a.b", "c"), Expression.parse(" {T.a.b}   -{T.c} ", List.of("a.b", "c")).attributes());
        for (String bad : List.of("{T.a} + 1", "({T.a})", "{T.a} ^ {T.b}", "T.a", "{T.a} + {T.b} + {T.c}", "{T.a} + {U.b}", "{T.x}", "{T.a}")) {
            assertThrows(IllegalArgumentException.class, () -> Expression.parse(bad, List.of("a", "b")), bad);
        }
    }

    @Test
    void contactRecordsInConnectsStreamShapeAnswerTheCamelCaseAttributes() {
        Map<String, String> stream = Map.of("Channel", "VOICE", "Agent.ARN", "arn:aws:connect:us-east-1:1:instance/i/agent/a-1",
                "Agent.CustomerHoldDuration", "12", "Queue.Duration", "15", "InitiationTimestamp", "2026-12-05T10:00:00Z");
        assertEquals("VOICE", ContactRecordAttributes.fromStreamShape("channel", stream::get));
        assertEquals("a-1", ContactRecordAttributes.fromStreamShape("agent.id", stream::get));
        assertEquals("12000", ContactRecordAttributes.fromStreamShape("agent.customerHoldDurationMillis", stream::get), "seconds to ms");
        assertEquals("15000", ContactRecordAttributes.fromStreamShape("queue.durationMillis", stream::get));
        assertEquals("2026-12-05T10:00:00Z", ContactRecordAttributes.fromStreamShape("initiationTimestamp", stream::get));
        assertNull(ContactRecordAttributes.fromStreamShape("disconnectTimestamp", stream::get));
        assertNull(ContactRecordAttributes.fromStreamShape("somethingElse", stream::get));
    }
}

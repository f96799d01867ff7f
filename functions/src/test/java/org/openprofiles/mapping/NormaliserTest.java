package org.openprofiles.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.openprofiles.model.ContentType;

class NormaliserTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "+1 (206) 345-7890|+12063457890",
            "206-345-7890|+12063457890",
            "2063457890|+12063457890",
            "+12063457890|+12063457890",
            "12063457890|+12063457890",
            "1-206-345-7890|+12063457890",
            "' 206.345.7890 '|+12063457890",
            "+15551234567|+15551234567",
            "(555)-123-4567|+15551234567",
            "+44 20 7946 0958|+442079460958",
            "0044 20 7946 0958|+442079460958",
            "+33 1 23 45 67 89|+33123456789",
            "020 7946 0958|02079460958",
            "5550100|5550100",
            "22063457890|22063457890",
            "00|00",
            "+|''",
            "ext. none|''",
            "n/a|''",
            "'   '|''"})
    void phoneNumbersIgnoreFormatting(String raw, String expected) {
        assertEquals(expected, Normaliser.normalise(ContentType.PHONE_NUMBER, raw));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EMAIL_ADDRESS| John.Smith@Example.COM |john.smith@example.com",
            "EMAIL_ADDRESS|'  '|''",
            "NAME|'  John   SMITH '|john smith",
            "NAME|'John\t Smith'|john smith",
            "NAME|'Émile  ZOLA'|émile zola",
            "NUMBER|27|27",
            "NUMBER|27.0|27",
            "NUMBER|' 027.50 '|27.5",
            "NUMBER|0.00|0",
            "NUMBER|-0.0|0",
            "NUMBER|-1.10|-1.1",
            "NUMBER|1e3|1000",
            "NUMBER|2.7E1|27",
            "NUMBER| twelve |twelve",
            "NUMBER|1e999999999|1e999999999",
            "STRING|' Exact Case '|' Exact Case '",
            "STRING|'a  b'|'a  b'",
            "STRING|' \t '|''"})
    void otherContentTypes(ContentType type, String raw, String expected) {
        assertEquals(expected, Normaliser.normalise(type, raw));
    }

    @ParameterizedTest
    @EnumSource(ContentType.class)
    void nullAndBlankAreEmpty(ContentType type) {
        assertEquals("", Normaliser.normalise(type, null));
        assertEquals("", Normaliser.normalise(type, ""));
    }

    /** Canonicalising a number must not cost time or memory that the value's length does not justify. */
    @Test
    void hugeNumbersStayAsWritten() {
        String long1 = "1" + "0".repeat(100_000) + ".0";
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertEquals(long1, Normaliser.normalise(ContentType.NUMBER, long1)));
        assertEquals("1e-300", Normaliser.normalise(ContentType.NUMBER, "1e-300"));
        assertEquals("1" + "0".repeat(200), Normaliser.normalise(ContentType.NUMBER, "1e200"));
    }

    @Test
    void collapseWhitespaceTrimsAndJoinsRuns() {
        assertEquals("a b c", Normaliser.collapseWhitespace("  a \t\n b   c  "));
        assertEquals("", Normaliser.collapseWhitespace(" \t "));
        assertEquals("a", Normaliser.collapseWhitespace("a"));
    }
}

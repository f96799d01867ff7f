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
    /** Every row of the phone-number table (spec section 10), one written form per line. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // a tel: prefix is dropped, the + kept
            "tel:+1-206-345-7890|+12063457890",
            "tel:+44 20 7946 0958|+442079460958",
            // an extension is not part of the number
            "206-345-7890 ext. 123|+12063457890",
            "(206) 345-7890 x123|+12063457890",
            "+1 206 345 7890;ext=9|+12063457890",
            "206.345.7890 #12|+12063457890",
            // a bracketed trunk (0) after a country code is dropped
            "+44 (0)20 7946 0958|+442079460958",
            // 00 / 011 international prefixes become +
            "0044 20 7946 0958|+442079460958",
            "011 44 20 7946 0958|+442079460958",
            // 10 digits whose first is 2-9, or 11 starting with 1: North American
            "2063457890|+12063457890",
            "1-206-345-7890|+12063457890",
            // a national number of another country is never forced into +1
            "0412 345 678|0412345678"})
    void phoneTableRows(String written, String key) {
        assertEquals(key, Normaliser.normalise(ContentType.PHONE_NUMBER, written));
    }

    /** The last row of the table: these are not phone keys. */
    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
            "+1234567890123456|more than 15 digits after +",
            "+44 20 7946 0958 1234 5|more than 15 digits after +",
            "0044 1234 5678 9012 345|more than 15 digits after 00",
            "011 1234 5678 9012 3456|more than 15 digits after 011",
            "1234 5678 9012 3456 7890|far more than 15 digits",
            "123456|fewer than 7 digits",
            "+44 1234|fewer than 7 digits after +",
            "0044 1234|fewer than 7 digits after 00",
            "555-010 x12|the extension does not count towards the digits",
            "1|one digit",
            "00|a prefix alone",
            "+|a plus alone",
            "206-345-7890 (mobile)|letters left after the rules",
            "206-FLOWERS|a vanity number: letters",
            "call 206-345-7890|letters before the number",
            "ext. none|an extension marker without digits",
            "n/a|letters only",
            "206-345-7890 x|an extension marker without digits",
            "206-345-7890 ext 12 office|letters after the extension",
            "206x345x7890|a second extension marker",
            "206-345-7890 ext:12|ext: is not one of the markers",
            "206-345-7890;phone-context=example.com|other tel: parameters",
            "1+206-345-7890|a + after a digit",
            "++1 206 345 7890|two + signs",
            "206*345*7890|a symbol that is not formatting",
            "206_345_7890|an underscore",
            "'206,345,7890'|commas",
            "٢٠٦٣٤٥٧٨٩٠|Arabic-Indic digits",
            "２０６３４５７８９０|fullwidth digits",
            "#12|an extension without a number",
            "'   '|blank"})
    void notPhoneKeys(String written, String why) {
        assertEquals("", Normaliser.normalise(ContentType.PHONE_NUMBER, written), why);
    }

    /** Formatting a user writes is ignored: spaces of every kind, - . ( ) / and typographic dashes. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "+1 (206) 345-7890|+12063457890",
            "206-345-7890|+12063457890",
            "+12063457890|+12063457890",
            "12063457890|+12063457890",
            "' 206.345.7890 '|+12063457890",
            "206/345 78 90|+12063457890",
            "'206	345	7890'|+12063457890",
            "206 345 7890|+12063457890",
            "206–345–7890|+12063457890",
            "+1‑206‑345‑7890|+12063457890",
            "+15551234567|+15551234567",
            "(555)-123-4567|+15551234567",
            "+44 20 7946 0958|+442079460958",
            "(+44) 20 7946 0958|+442079460958",
            "+ 44 20 7946 0958|+442079460958",
            "+44(0)2079460958|+442079460958",
            "0044 (0)20 7946 0958|+442079460958",
            "011 44 (0)20 7946 0958|+442079460958",
            "+49 (0)30 1234567|+49301234567",
            "+33 1 23 45 67 89|+33123456789",
            "TEL:+1-206-345-7890|+12063457890",
            "tel:2063457890|+12063457890",
            "tel:+1-206-345-7890;ext=123|+12063457890",
            "206-345-7890 EXT. 123|+12063457890",
            "206-345-7890 Ext 123|+12063457890",
            "206-345-7890 extension 123|+12063457890",
            "206-345-7890 Extension: 123|''",
            "206-345-7890x123|+12063457890",
            "206-345-7890 X 123|+12063457890",
            "206-345-7890#123|+12063457890",
            "+1 206 345 7890 ;EXT=9|+12063457890",
            "+44 20 7946 0958 ext 4|+442079460958",
            "0412 345 678 x9|0412345678",
            "020 7946 0958|02079460958",
            "(0)20 7946 0958|02079460958",
            "5550100|5550100",
            "22063457890|22063457890",
            "0206345789|0206345789",
            "1206345789|1206345789",
            "+123456789012345|+123456789012345",
            "011 123456789012345|+123456789012345"})
    void phoneFormattingIsIgnored(String written, String key) {
        assertEquals(key, Normaliser.normalise(ContentType.PHONE_NUMBER, written));
    }

    /** Any written form of one number gives one key value, so any of them finds the others. */
    @Test
    void everyWrittenFormOfOneNumberIsOneKey() {
        for (String written : new String[] {"tel:+1-206-345-7890", "206-345-7890 ext. 123", "(206) 345-7890 x123",
                "+1 206 345 7890;ext=9", "206.345.7890 #12", "2063457890", "1-206-345-7890", "+1 (206) 345-7890",
                "001 206 345 7890", "011 1 206 345 7890"}) {
            assertEquals("+12063457890", Normaliser.normalise(ContentType.PHONE_NUMBER, written), written);
        }
    }

    /** One linear pass: a huge value costs no more than reading it. */
    @Test
    void hugePhoneTextsAreRefusedQuickly() {
        String digits = "1".repeat(1_000_000);
        String spaces = " ".repeat(1_000_000) + "2063457890";
        String extension = "2063457890 x" + "1".repeat(1_000_000);
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            assertEquals("", Normaliser.normalise(ContentType.PHONE_NUMBER, digits));
            assertEquals("+12063457890", Normaliser.normalise(ContentType.PHONE_NUMBER, spaces));
            assertEquals("+12063457890", Normaliser.normalise(ContentType.PHONE_NUMBER, extension));
        });
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

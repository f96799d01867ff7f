package org.openprofiles.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsEveryJsonValue() {
        Object parsed = Json.parse(" {\"s\":\"a\\u00e9\\n\",\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,{}],\"o\":{\"k\":\"\\ud83d\\ude00\"}} ");
        Map<?, ?> map = (Map<?, ?>) parsed;
        assertEquals("a\u00e9\n", map.get("s"));
        assertEquals(new Json.JsonNumber("-1.5e3"), map.get("n"));
        assertEquals(Boolean.TRUE, map.get("t"));
        assertEquals(Json.NULL, map.get("z"));
        assertEquals(List.of(new Json.JsonNumber("1"), Map.of()), map.get("a"));
        assertEquals("\ud83d\ude00", ((Map<?, ?>) map.get("o")).get("k"));
    }

    @Test
    void writesWhatItReads() {
        String text = "{\"a\":[1,2.50,\"x\\\"y\\\\\"],\"b\":null,\"c\":{\"d\":false},\"e\":\"\\u0001\"}";
        assertEquals(text, Json.write(Json.parse(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\"}", "{\"a\":}", "[1,]", "01", "1.", "-", "tru", "\"abc", "{\"a\":1}x",
            "\"\\ud800\"", "\"\\udc00x\"", "\"\\u12\"", "\"\\q\"", "\"a\u0001\"", "{'a':1}", "NaN"})
    void refusesWhatIsNotOneJsonValue(String text) {
        assertThrows(Json.ParseException.class, () -> Json.parse(text));
    }

    /** Only ASCII hex digits: Character.digit would read Arabic-Indic, fullwidth or Devanagari digits as hex. */
    @ParameterizedTest
    @ValueSource(strings = {"\"\\u\u0660\u0660\u0664\u0661\"", "\"\\u\uff10\uff10\uff14\uff11\"", "\"\\u00\u0966\u0967\"",
            "\"\\u004\uff41\"", "\"\\u00g1\"", "\"\\u 041\"", "\"\\u+041\"", "\"\\u12\"", "\"\\u12", "\"\\u"})
    void unicodeEscapesTakeOnlyAsciiHexDigits(String text) {
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().startsWith("a \\u escape must be followed by exactly four hexadecimal digits (0-9, a-f or A-F) at position "),
                e.getMessage());
    }

    @Test
    void unicodeEscapesReadEveryHexDigitInEitherCase() {
        assertEquals("\u0123\u4567\u89ab\ucdef\u89AB\uCDEF", Json.parse("\"\\u0123\\u4567\\u89ab\\ucdef\\u89AB\\uCDEF\""));
        assertEquals("A\u00ff\u00FF", Json.parse("\"\\u0041\\u00ff\\u00FF\""));
    }

    @Test
    void strictParsingRefusesRepeatedMembers() {
        assertEquals(Map.of("a", new Json.JsonNumber("2")), Json.parse("{\"a\":1,\"a\":2}"), "lenient: the last one wins");
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parseStrict("{\"o\":{\"a\":1,\"a\":2}}"));
        assertTrue(e.getMessage().contains("'a' appears twice"), e.getMessage());
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        assertEquals(List.of(List.of()), Json.parse("[[]]"));
    }
}

package org.openprofiles.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openprofiles.json.Json;

class SourceExpressionTest {
    @SuppressWarnings("unchecked")
    static final Map<String, Object> PERSON = (Map<String, Object>) Json.parse(
            "{\"firstName\":\"John\",\"lastName\":\"Smith\",\"isAlive\":true,\"age\":27,\"zero\":0,\"spouse\":null,\"empty\":\"\","
                    + "\"address\":{\"city\":\"New York\",\"zip\":\"10021\"},\"children\":[],"
                    + "\"phoneNumbers\":[{\"type\":\"home\",\"number\":\"212 555-1234\"},{\"type\":\"office\",\"number\":\"646 555-4567\"}]}");

    static String eval(String source) {
        return SourceExpression.compile(source).evaluate(PERSON);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "_source.firstName|John",
            "_source.address.city|New York",
            "_source.phoneNumbers.1.number|646 555-4567",
            "_source.phoneNumbers[0].number|212 555-1234",
            "_source.age|27",
            "_source.isAlive|true",
            "_source.spouse|''",
            "_source.address|''",
            "_source.phoneNumbers|''",
            "_source.missing.deeper|''",
            "_source.phoneNumbers.7.number|''"})
    void accessorsReadScalarsAndGiveEmptyOtherwise(String source, String expected) {
        assertEquals(expected, eval(source));
        assertEquals(expected, eval("{{" + source + "}}"));
    }

    @Test
    void templateConstructs() {
        assertEquals("John Smith", eval("{{_source.firstName}} {{_source.lastName}}"));
        assertEquals("alive", eval("{{#if _source.isAlive}}alive{{else}}dead{{/if}}"));
        assertEquals("none", eval("{{#if _source.children}}some{{else}}none{{/if}}"));
        assertEquals("none", eval("{{#if _source.zero}}some{{else}}none{{/if}}"));
        assertEquals("no spouse", eval("{{#unless _source.spouse}}no spouse{{/unless}}"));
        assertEquals("0:home=212 555-1234;1:office=646 555-4567;",
                eval("{{#each _source.phoneNumbers}}{{@index}}:{{type}}={{this.number}};{{/each}}"));
        assertEquals("New York 10021 John", eval("{{#with _source.address}}{{city}} {{zip}} {{_source.firstName}}{{/with}}"));
        assertEquals("nothing", eval("{{#each _source.children}}x{{else}}nothing{{/each}}"));
        assertEquals("John Smith", eval("{{#removeExtraSpace}} {{_source.firstName}}  {{_source.middle}} {{_source.lastName}} {{/removeExtraSpace}}"));
        assertEquals("John", eval("{{{_source.firstName}}}"));
        assertEquals("<b>&", SourceExpression.compile("{{_source.x}}").evaluate(Map.of("x", "<b>&")), "values are not HTML-escaped");
    }

    @Test
    void nestedBlocksAndElseBelongToTheirOwnBlock() {
        assertEquals("home office ", eval("{{#each _source.phoneNumbers}}{{#if type}}{{type}} {{else}}?{{/if}}{{/each}}"));
        assertEquals("b", eval("{{#if _source.spouse}}a{{else}}{{#if _source.isAlive}}b{{else}}c{{/if}}{{/if}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "firstName", "source.firstName", "{{_source.firstName", "{{}}", "{{#if _source.a}}x",
            "{{#if _source.a}}x{{/unless}}", "{{/if}}", "{{#bogus _source.a}}{{/bogus}}", "{{#if}}{{/if}}",
            "{{else}}", "{{#if a}}1{{else}}2{{else}}3{{/if}}", "{{#removeExtraSpace}}x{{else}}y{{/removeExtraSpace}}",
            "{{a b}}", "{{_source..x}}"})
    void invalidSourcesAreRefusedAtCompileTime(String source) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceExpression.compile(source));
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void blocksNestOnlySoDeep() {
        String deep = "{{#if _source.a}}".repeat(40) + "{{/if}}".repeat(40);
        assertThrows(IllegalArgumentException.class, () -> SourceExpression.compile(deep));
    }
}

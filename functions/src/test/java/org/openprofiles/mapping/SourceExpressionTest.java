package org.openprofiles.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openprofiles.json.Json;

class SourceExpressionTest {
    @SuppressWarnings("unchecked")
    static final Map<String, Object> PERSON = (Map<String, Object>) Json.parse(
            "{\"firstName\":\"John\",\"lastName\":\"Smith\",\"isAlive\":true,\"retired\":false,\"age\":27,\"height\":1.80,"
                    + "\"zero\":0,\"spouse\":null,\"empty\":\"\","
                    + "\"address\":{\"city\":\"New York\",\"zip\":\"10021\"},\"children\":[],"
                    + "\"phoneNumbers\":[{\"type\":\"home\",\"number\":\"212 555-1234\"},{\"type\":\"office\",\"number\":\"646 555-4567\"}],"
                    + "\"groups\":[{\"name\":\"a\",\"members\":[\"x\",\"y\"]},{\"name\":\"b\",\"members\":[\"z\"]}]}");

    static String eval(String source) {
        return SourceExpression.compile(source).evaluate(PERSON);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "_source.firstName|John",
            "_source.address.city|New York",
            "_source.phoneNumbers.1.number|646 555-4567",
            "_source.phoneNumbers[0].number|212 555-1234",
            "_source.groups[1].members[0]|z",
            "_source.groups.0.members.1|y",
            "_source.age|27",
            "_source.height|1.80",
            "_source.isAlive|true",
            "_source.retired|false",
            "_source.spouse|''",
            "_source.empty|''",
            "_source.address|''",
            "_source.phoneNumbers|''",
            "_source|''",
            "_source.missing|''",
            "_source.missing.deeper|''",
            "_source.firstName.deeper|''",
            "_source.phoneNumbers.7.number|''",
            "_source.phoneNumbers.type|''"})
    void accessorsReadScalarsAndGiveEmptyOtherwise(String source, String expected) {
        assertEquals(expected, eval(source));
        assertEquals(expected, eval("{{" + source + "}}"));
    }

    @Test
    void ifAndUnlessFollowHandlebarsTruthiness() {
        assertEquals("alive", eval("{{#if _source.isAlive}}alive{{else}}dead{{/if}}"));
        assertEquals("working", eval("{{#if _source.retired}}retired{{else}}working{{/if}}"));
        assertEquals("none", eval("{{#if _source.children}}some{{else}}none{{/if}}"));
        assertEquals("none", eval("{{#if _source.zero}}some{{else}}none{{/if}}"));
        assertEquals("none", eval("{{#if _source.empty}}some{{else}}none{{/if}}"));
        assertEquals("none", eval("{{#if _source.missing}}some{{else}}none{{/if}}"));
        assertEquals("some", eval("{{#if _source.address}}some{{else}}none{{/if}}"));
        assertEquals("some", eval("{{#if _source.age}}some{{/if}}"));
        assertEquals("no spouse", eval("{{#unless _source.spouse}}no spouse{{/unless}}"));
        assertEquals("alive", eval("{{#unless _source.isAlive}}dead{{else}}alive{{/unless}}"));
    }

    @Test
    void eachAndWithChangeTheContext() {
        assertEquals("0:home=212 555-1234;1:office=646 555-4567;",
                eval("{{#each _source.phoneNumbers}}{{@index}}:{{type}}={{this.number}};{{/each}}"));
        assertEquals("0a[0x 1y ]1b[0z ]",
                eval("{{#each _source.groups}}{{@index}}{{name}}[{{#each this.members}}{{@index}}{{this}} {{/each}}]{{/each}}"));
        assertEquals("city=New York;zip=10021;", eval("{{#each _source.address}}{{@key}}={{this}};{{/each}}"));
        assertEquals("nothing", eval("{{#each _source.children}}x{{else}}nothing{{/each}}"));
        assertEquals("New York 10021 John", eval("{{#with _source.address}}{{city}} {{zip}} {{_source.firstName}}{{/with}}"));
        assertEquals("no address", eval("{{#with _source.missing}}{{city}}{{else}}no address{{/with}}"));
        assertEquals("0:212 555-1234 1:646 555-4567 ",
                eval("{{#each _source.phoneNumbers}}{{#with this}}{{@index}}:{{number}} {{/with}}{{/each}}"));
    }

    @Test
    void removeExtraSpaceClosesTheGapOfAMissingPart() {
        assertEquals("John Smith",
                eval("{{#removeExtraSpace}}{{_source.firstName}} {{_source.middle}} {{_source.lastName}}{{/removeExtraSpace}}"));
        assertEquals("John Smith", eval("{{#removeExtraSpace}}\t{{_source.firstName}}\n {{_source.lastName}} {{/removeExtraSpace}}"));
        assertEquals("John  Smith", eval("{{_source.firstName}} {{_source.middle}} {{_source.lastName}}"), "only inside the helper");
    }

    @Test
    void valuesAreDataNotHtml() {
        assertEquals("John", eval("{{{_source.firstName}}}"));
        assertEquals("<b>&\"", SourceExpression.compile("{{_source.x}}").evaluate(Map.of("x", "<b>&\"")));
        assertEquals("<b>&\"", SourceExpression.compile("{{{_source.x}}}").evaluate(Map.of("x", "<b>&\"")));
    }

    @Test
    void nestedBlocksAndElseBelongToTheirOwnBlock() {
        assertEquals("home office ", eval("{{#each _source.phoneNumbers}}{{#if type}}{{type}} {{else}}?{{/if}}{{/each}}"));
        assertEquals("b", eval("{{#if _source.spouse}}a{{else}}{{#if _source.isAlive}}b{{else}}c{{/if}}{{/if}}"));
    }

    @Test
    void oneCompiledSourceServesManyObjects() {
        SourceExpression city = SourceExpression.compile("_source.address.city");
        assertEquals("Paris", city.evaluate(Map.of("address", Map.of("city", "Paris"))));
        assertEquals("", city.evaluate(Map.of()));
        assertEquals("New York", city.evaluate(PERSON));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|empty",
            "firstName|neither a _source. accessor nor a template",
            "source.firstName|neither a _source. accessor nor a template",
            "_source.a[x]|neither a _source. accessor nor a template",
            "_source.a]b|neither a _source. accessor nor a template",
            "{{_source.firstName|unterminated",
            "x {{{_source.firstName}}|unterminated",
            "{{}}|empty tag",
            "{{ }}|empty tag",
            "{{#if _source.a}}x|not closed",
            "{{#if _source.a}}x{{/unless}}|closes",
            "{{/if}}|closes nothing",
            "{{#bogus _source.a}}{{/bogus}}|unknown helper",
            "{{#if}}{{/if}}|takes exactly one path",
            "{{#each _source.a _source.b}}{{/each}}|takes exactly one path",
            "{{#removeExtraSpace _source.a}}{{/removeExtraSpace}}|takes no argument",
            "{{else}}|outside an #if",
            "{{#if _source.a}}1{{else}}2{{else}}3{{/if}}|more than one",
            "{{#removeExtraSpace}}x{{else}}y{{/removeExtraSpace}}|outside an #if",
            "{{a b}}|is not a path",
            "{{_source..x}}|is not a path",
            "{{../x}}|is not a path",
            "{{!comment}}|is not a path",
            "{{firstName}}|must start with _source",
            "{{this}}|must start with _source",
            "{{@index}}|must start with _source",
            "{{#if firstName}}x{{/if}}|must start with _source",
            "{{#each _source.a}}x{{else}}{{type}}{{/each}}|must start with _source"})
    void invalidSourcesAreRefusedNamingTheProblem(String source, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceExpression.compile(source));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void blocksNestOnlySoDeep() {
        String allowed = "{{#if _source.a}}".repeat(SourceExpression.MAX_BLOCK_DEPTH) + "x" + "{{/if}}".repeat(SourceExpression.MAX_BLOCK_DEPTH);
        assertEquals("x", SourceExpression.compile(allowed).evaluate(Map.of("a", true)));
        String deeper = "{{#if _source.a}}" + allowed + "{{/if}}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceExpression.compile(deeper));
        assertTrue(e.getMessage().contains("nest deeper"), e.getMessage());
    }
}

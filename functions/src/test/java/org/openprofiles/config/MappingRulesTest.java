package org.openprofiles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.ObjectType;

/** One refusal per mapping rule of spec 2.2 (and 2.1, 9 row 5, the unsupported members), plus what passes. */
class MappingRulesTest {
    static final String FIELDS = "\"id\":{\"Source\":\"_source.id\"},\"email\":{\"Source\":\"_source.email\",\"ContentType\":\"EMAIL_ADDRESS\"}";
    static final String UNIQUE = "\"uid\":[{\"StandardIdentifiers\":[\"UNIQUE\"],\"FieldNames\":[\"id\"]}]";
    static final String PROFILE = "\"_email\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]";
    static final String VALID_KEYS = UNIQUE + "," + PROFILE;

    static String domain(String typeName, String objectType) {
        return "{\"DomainName\":\"D\",\"ObjectTypes\":{\"" + typeName + "\":" + objectType + "}}";
    }

    static String type(String fields, String keys) {
        return type("\"AllowProfileCreation\":true", fields, keys);
    }

    static String type(String members, String fields, String keys) {
        return "{\"Description\":\"d\"," + members + ",\"Fields\":{" + fields + "},\"Keys\":{" + keys + "}}";
    }

    static String key(String name, String identifiers, String fieldNames) {
        return "\"" + name + "\":[{\"StandardIdentifiers\":[" + identifiers + "],\"FieldNames\":[" + fieldNames + "]}]";
    }

    static String field(String name, String source, String target) {
        return "\"" + name + "\":{\"Source\":\"" + source + "\"" + (target == null ? "" : ",\"Target\":\"" + target + "\"") + "}";
    }

    static ObjectType load(String objectType) {
        return DomainLoader.parse("D.json", domain("T", objectType)).objectType("T").orElseThrow();
    }

    static Stream<Arguments> brokenTypes() {
        String manyFields = IntStream.range(0, 249).mapToObj(i -> field("f" + i, "_source.f", null)).collect(Collectors.joining(","));
        String elevenKeyEntries = "\"_email\":[" + "{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]},".repeat(10)
                + "{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]";
        return Stream.of(
                Arguments.of("no UNIQUE", type(FIELDS, PROFILE), "exactly one key must carry UNIQUE, the key that identifies each object of the type (found 0)"),
                Arguments.of("no PROFILE", type(FIELDS, UNIQUE), "at least one key must carry PROFILE, the key that matches an object to its profile"),
                Arguments.of("two UNIQUE", type(FIELDS, VALID_KEYS + "," + key("other", "\"UNIQUE\"", "\"email\"")), "exactly one key must carry UNIQUE, the key that identifies each object of the type (found 2)"),
                Arguments.of("UNIQUE+NEW_ONLY", type(FIELDS, PROFILE + "," + key("uid", "\"UNIQUE\",\"NEW_ONLY\"", "\"id\"")), "key 'uid' combines UNIQUE with NEW_ONLY, which is not allowed: the unique key must always be stored"),
                Arguments.of("UNIQUE+LOOKUP_ONLY", type(FIELDS, PROFILE + "," + key("uid", "\"UNIQUE\",\"LOOKUP_ONLY\"", "\"id\"")), "key 'uid' combines UNIQUE with LOOKUP_ONLY, which is not allowed: the unique key must always be stored"),
                Arguments.of("only a restricted PROFILE key", type(FIELDS, UNIQUE + "," + key("_email", "\"PROFILE\",\"LOOKUP_ONLY\"", "\"email\"")), "a PROFILE key with LOOKUP_ONLY or NEW_ONLY needs another PROFILE key without them when AllowProfileCreation is true"),
                Arguments.of("_orderId not LOOKUP_ONLY", type(FIELDS, VALID_KEYS + "," + key("_orderId", "\"PROFILE\"", "\"id\"")), "key '_orderId' must carry LOOKUP_ONLY"),
                Arguments.of("SECONDARY without PROFILE", type(FIELDS, VALID_KEYS + "," + key("sec", "\"SECONDARY\"", "\"id\"")), "key 'sec' carries SECONDARY without PROFILE"),
                Arguments.of("unknown _ key", type(FIELDS, UNIQUE + "," + key("_notAKey", "\"PROFILE\"", "\"email\"")), "names starting with '_' must be predefined keys"),
                Arguments.of("key not starting with a letter", type(FIELDS, VALID_KEYS + "," + key("1key", "", "\"id\"")), "other names start with a letter"),
                Arguments.of("field named Tags", type(FIELDS + "," + field("Tags", "_source.t", null), VALID_KEYS), "'Tags' cannot be a field name: Tags and tags are reserved"),
                Arguments.of("key named tags", type(FIELDS, VALID_KEYS + "," + key("tags", "", "\"id\"")), "'tags' cannot be a key name: Tags and tags are reserved"),
                Arguments.of("undefined field", type(FIELDS, VALID_KEYS + "," + key("x", "", "\"nope\"")), "key 'x' references field 'nope', which this type does not define"),
                Arguments.of("no field", type(FIELDS, VALID_KEYS + "," + key("x", "", "")), "key 'x' must reference at least one field"),
                Arguments.of("no FieldNames", type(FIELDS, VALID_KEYS + ",\"x\":[{\"StandardIdentifiers\":[]}]"), "FieldNames must be a list"),
                Arguments.of("field not starting with a letter", type(FIELDS + "," + field("9lives", "_source.l", null), VALID_KEYS), "field name '9lives' must start with a letter"),
                Arguments.of("field with a bad character", type(FIELDS + "," + field("a b", "_source.l", null), VALID_KEYS), "field name 'a b' must start with a letter and contain only letters, digits"),
                Arguments.of("251 fields", type(FIELDS + "," + manyFields, VALID_KEYS), "a type can have at most 250 fields (found 251)"),
                Arguments.of("system ID target", type(FIELDS + "," + field("p", "_source.p", "_profile.ProfileId"), VALID_KEYS), "Target '_profile.ProfileId' is not a standard profile field a mapping may write"),
                Arguments.of("unknown profile field", type(FIELDS + "," + field("p", "_source.p", "_profile.Nickname"), VALID_KEYS), "Target '_profile.Nickname' is not a standard profile field"),
                Arguments.of("target without _profile.", type(FIELDS + "," + field("p", "_source.p", "FirstName"), VALID_KEYS), "Target 'FirstName' must start with _profile."),
                Arguments.of("other standard object", type(FIELDS + "," + field("a", "_source.a", "_asset.AssetId"), VALID_KEYS),
                        "field 'a': Target '_asset.AssetId': standard objects other than _profile are not supported by this implementation"),
                Arguments.of("Gender and GenderString", type(FIELDS + "," + field("g", "_source.g", "_profile.Gender") + ","
                        + field("gs", "_source.g", "_profile.GenderString"), VALID_KEYS), "_profile.Gender and _profile.GenderString cannot both be targets"),
                Arguments.of("PartyType and PartyTypeString", type(FIELDS + "," + field("p", "_source.p", "_profile.PartyTypeString") + ","
                        + field("pt", "_source.p", "_profile.PartyType"), VALID_KEYS), "_profile.PartyType and _profile.PartyTypeString cannot both be targets"),
                Arguments.of("SourceLastUpdatedTimestamp", type(FIELDS + "," + field("s", "_source.s", "_profile.SourceLastUpdatedTimestamp"), VALID_KEYS), "_profile.SourceLastUpdatedTimestamp needs SourceLastUpdatedTimestampFormat"),
                Arguments.of("invalid Handlebars", type(FIELDS + "," + field("h", "{{#if _source.a}}x", null), VALID_KEYS), "field 'h': the Source is not a valid accessor or Handlebars template"),
                Arguments.of("11 key entries", type(FIELDS, UNIQUE + "," + elevenKeyEntries), "a type can have at most 10 keys, each entry in a key's list counting as one (found 12)"),
                Arguments.of("dotted FieldNames item", type(FIELDS + "," + field("e.mail", "_source.e", null), VALID_KEYS + "," + key("x", "", "\"e.mail\"")), "FieldNames item 'e.mail' must contain only letters, digits, '_' and '-' (1 to 64 characters): a key cannot reference a field whose name has a dot"),
                Arguments.of("standard-object identifier", type(FIELDS, VALID_KEYS + "," + key("o", "\"ORDER\"", "\"id\"")), "does not support"),
                Arguments.of("unknown identifier", type(FIELDS, VALID_KEYS + "," + key("o", "\"PROFLE\"", "\"id\"")), "unknown StandardIdentifier 'PROFLE'"),
                Arguments.of("SourcePriority", type("\"SourcePriority\":1", FIELDS, VALID_KEYS), "SourcePriority is not supported by this implementation"),
                Arguments.of("MaxProfileObjectCount", type("\"MaxProfileObjectCount\":5", FIELDS, VALID_KEYS), "MaxProfileObjectCount is not supported"),
                Arguments.of("SourceLastUpdatedTimestampFormat", type("\"SourceLastUpdatedTimestampFormat\":\"EpochMilli\"", FIELDS, VALID_KEYS),
                        "SourceLastUpdatedTimestampFormat is not supported"),
                Arguments.of("EncryptionKey", type("\"EncryptionKey\":\"k\"", FIELDS, VALID_KEYS), "EncryptionKey is not supported"),
                Arguments.of("TemplateId with AllowProfileCreation", "{\"Description\":\"d\",\"TemplateId\":\"CTR\",\"AllowProfileCreation\":false}", "a type with TemplateId must not set AllowProfileCreation: the template gives"),
                Arguments.of("TemplateId with Fields", "{\"Description\":\"d\",\"TemplateId\":\"CTR\",\"Fields\":{}}", "a type with TemplateId must not set Fields"),
                Arguments.of("TemplateId with Keys", "{\"Description\":\"d\",\"TemplateId\":\"CTR\",\"Keys\":{}}", "a type with TemplateId must not set Keys"),
                Arguments.of("unknown TemplateId", "{\"Description\":\"d\",\"TemplateId\":\"NoSuchTemplate\"}", "unknown TemplateId 'NoSuchTemplate'"),
                Arguments.of("unknown type member", "{\"Description\":\"d\",\"Fieldz\":{}}", "unknown member 'Fieldz'"),
                Arguments.of("unknown field member", type(FIELDS + ",\"x\":{\"Source\":\"_source.x\",\"Traget\":\"_profile.FirstName\"}", VALID_KEYS), "unknown member 'Traget'"),
                Arguments.of("unknown key member", type(FIELDS, VALID_KEYS + ",\"x\":[{\"FieldNames\":[\"id\"],\"Identifiers\":[]}]"), "unknown member 'Identifiers'"),
                Arguments.of("unknown ContentType", type(FIELDS + ",\"x\":{\"Source\":\"_source.x\",\"ContentType\":\"DATE\"}", VALID_KEYS), "ContentType must be one of"),
                Arguments.of("no Description", "{\"TemplateId\":\"CTR\"}", "Description must be"),
                Arguments.of("Description too long", "{\"TemplateId\":\"CTR\",\"Description\":\"" + "d".repeat(1001) + "\"}", "1 to 1000"),
                Arguments.of("ExpirationDays 0", "{\"Description\":\"d\",\"TemplateId\":\"CTR\",\"ExpirationDays\":0}", "ExpirationDays must be"),
                Arguments.of("ExpirationDays 1099", "{\"Description\":\"d\",\"TemplateId\":\"CTR\",\"ExpirationDays\":1099}", "ExpirationDays must be"),
                Arguments.of("AllowProfileCreation as a string", type("\"AllowProfileCreation\":\"TRUE\"", FIELDS, VALID_KEYS), "JSON boolean"),
                Arguments.of("empty Source", type(FIELDS + "," + field("x", "", null), VALID_KEYS), "Source must be a non-empty string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTypes")
    void aBrokenTypeStopsLoadingNamingFileTypeAndRule(String why, String definition, String problem) {
        DomainConfigException e = assertThrows(DomainConfigException.class, () -> DomainLoader.parse("D.json", domain("T", definition)));
        assertTrue(e.getMessage().startsWith("D.json: object type 'T': "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertFalse(CITES_OUR_SPEC.matcher(e.getMessage()).find(), "the rule in words, not by number: " + e.getMessage());
    }

    /** "rule 2.2.1", "spec 9 row 5", "section 10", "§2": numbers only our spec's readers could look up. */
    static final Pattern CITES_OUR_SPEC = Pattern.compile("(?i)\\brule \\d|\\bspec\\b|\\bsection\\b|§|\\brow \\d|\\b\\d+\\.\\d+\\.\\d+");

    @ParameterizedTest
    @ValueSource(strings = {"_custom", "_profile", "1abc", "a.b"})
    void standardAndMalformedTypeNamesAreRefused(String typeName) {
        DomainConfigException e = assertThrows(DomainConfigException.class,
                () -> DomainLoader.parse("D.json", domain(typeName, "{\"Description\":\"d\",\"TemplateId\":\"CTR\"}")));
        assertTrue(e.getMessage().startsWith("D.json: object type '" + typeName + "': "), e.getMessage());
    }

    @Test
    void aValidTypeLoadsWithDefaults() {
        ObjectType type = load("{\"Description\":\"d\",\"Tags\":{\"team\":\"crm\"},\"Fields\":{" + FIELDS + "},\"Keys\":{" + VALID_KEYS + "}}");
        assertEquals(false, type.allowProfileCreation(), "AllowProfileCreation defaults to false");
        assertNull(type.expirationDays(), "the domain default applies");
        assertNull(type.templateId());
        assertEquals(ContentType.STRING, type.fields().get("id").contentType());
        assertEquals(ContentType.EMAIL_ADDRESS, type.fields().get("email").contentType());
    }

    @Test
    void keysKeepTheFileOrderOneDefinitionPerListEntry() {
        ObjectType type = load(type(FIELDS, PROFILE + ",\"search\":[{\"FieldNames\":[\"id\"]},{\"FieldNames\":[\"email\"]}]," + UNIQUE));
        assertEquals(List.of("_email", "search", "search", "uid"), type.keys().stream().map(KeyDefinition::keyName).toList());
        assertEquals(List.of("email"), type.keys().get(2).fieldNames());
        assertTrue(type.keys().get(1).identifiers().isEmpty(), "a search-only key");
    }

    @Test
    void ruleThreeIsWaivedWithoutProfileCreationAndForProfileId() {
        String lookupOnly = UNIQUE + "," + key("_email", "\"PROFILE\",\"LOOKUP_ONLY\"", "\"email\"");
        load(type("\"AllowProfileCreation\":false", FIELDS, lookupOnly));
        load(type(FIELDS, UNIQUE + "," + key("_profileId", "\"PROFILE\",\"LOOKUP_ONLY\"", "\"id\"")));
    }

    @Test
    void twoHundredFiftyFieldsAndTenKeyEntriesAreAllowed() {
        String fields = FIELDS + "," + IntStream.range(0, 248).mapToObj(i -> field("f" + i, "_source.f", null)).collect(Collectors.joining(","));
        String keys = UNIQUE + ",\"_email\":[" + "{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]},".repeat(8)
                + "{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]";
        ObjectType type = load(type(fields, keys));
        assertEquals(250, type.fields().size());
        assertEquals(10, type.keys().size());
    }

    @Test
    void targetsOnStandardFieldsAddressesAndAttributesPass() {
        Domain domain = DomainLoader.parse("D.json", domain("T", type(FIELDS + ","
                + field("a", "_source.a", "_profile.ShippingAddress.PostalCode") + ","
                + field("b", "_source.b", "_profile.Attributes.tier") + ","
                + field("c", "_source.c", "_profile.GenderString"), VALID_KEYS)));
        assertEquals("_profile.Attributes.tier", domain.objectType("T").orElseThrow().fields().get("b").target());
    }
}

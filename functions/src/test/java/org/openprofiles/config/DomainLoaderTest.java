package org.openprofiles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.StandardIdentifier;

/** The shipped domain, the templates, and one refusal per mapping rule (spec 2.2). */
class DomainLoaderTest {
    @Test
    void theShippedDomainLoadsFromTheClasspath() {
        Map<String, Domain> domains = DomainLoader.loadFromClasspath();
        Domain example = domains.get("ExampleDomainName");
        ObjectType custom = example.objectType("MyCustomObjectName").orElseThrow();
        assertTrue(custom.allowProfileCreation());
        assertEquals(List.of("firstName", "lastName", "homePhone", "officePhone", "fullName", "city", "age"), List.copyOf(custom.fields().keySet()));
        assertEquals(List.of(
                new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE), List.of("homePhone")),
                new KeyDefinition("_fullName", Set.of(), List.of("fullName")),
                new KeyDefinition("myObjectId", Set.of(StandardIdentifier.UNIQUE), List.of("fullName", "homePhone"))), custom.keys());
        assertEquals(ContentType.PHONE_NUMBER, custom.fields().get("homePhone").contentType());
        assertEquals("_profile.Attributes.age", custom.fields().get("age").target());

        ObjectType ctr = example.objectType("CTR").orElseThrow();
        assertEquals("CTR", ctr.templateId());
        assertTrue(ctr.allowProfileCreation());
        assertEquals(List.of(
                new KeyDefinition("_ctrContactId", Set.of(StandardIdentifier.PROFILE, StandardIdentifier.UNIQUE), List.of("contactId")),
                new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE, StandardIdentifier.SECONDARY), List.of("phone"))), ctr.keys());
        assertEquals(366, example.defaultExpirationDays());
    }

    @Test
    void templatesAreImplicitObjectTypes() {
        Map<String, ObjectType> templates = Templates.builtIn();
        assertEquals(Set.of("CTR", "CTR-NoInferred", "CTR-AutoAssociateOnly"), templates.keySet());
        assertTrue(templates.get("CTR-NoInferred").allowProfileCreation());
        assertFalse(templates.get("CTR-AutoAssociateOnly").allowProfileCreation());
        Domain example = DomainLoader.loadFromClasspath().get("ExampleDomainName");
        assertEquals("CTR-AutoAssociateOnly", example.objectType("CTR-AutoAssociateOnly").orElseThrow().name());
        assertTrue(example.objectType("NoSuchType").isEmpty());
        assertNull(templates.get("CTR").fields().get("phone").target(), "phone feeds keys and inferred profiles only");
    }

    static String domain(String objectType) {
        return "{\"DomainName\":\"D\",\"ObjectTypes\":{\"T\":" + objectType + "}}";
    }

    static String type(String fields, String keys) {
        return "{\"Description\":\"d\",\"AllowProfileCreation\":true,\"Fields\":{" + fields + "},\"Keys\":{" + keys + "}}";
    }

    static final String FIELDS = "\"id\":{\"Source\":\"_source.id\"},\"email\":{\"Source\":\"_source.email\",\"ContentType\":\"EMAIL_ADDRESS\"}";
    static final String UNIQUE = "\"uid\":[{\"StandardIdentifiers\":[\"UNIQUE\"],\"FieldNames\":[\"id\"]}]";
    static final String PROFILE = "\"_email\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]";

    static Stream<Arguments> brokenTypes() {
        return Stream.of(
                Arguments.of(type(FIELDS, PROFILE), "2.2.1"),
                Arguments.of(type(FIELDS, UNIQUE), "2.2.1"),
                Arguments.of(type(FIELDS, UNIQUE + ",\"other\":[{\"StandardIdentifiers\":[\"UNIQUE\",\"PROFILE\"],\"FieldNames\":[\"email\"]}]"), "2.2.1"),
                Arguments.of(type(FIELDS, PROFILE + ",\"uid\":[{\"StandardIdentifiers\":[\"UNIQUE\",\"NEW_ONLY\"],\"FieldNames\":[\"id\"]}]"), "2.2.2"),
                Arguments.of(type(FIELDS, UNIQUE + ",\"_email\":[{\"StandardIdentifiers\":[\"PROFILE\",\"LOOKUP_ONLY\"],\"FieldNames\":[\"email\"]}]"), "2.2.3"),
                Arguments.of(type(FIELDS, UNIQUE + "," + PROFILE + ",\"_orderId\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"id\"]}]"), "2.2.4"),
                Arguments.of(type(FIELDS, UNIQUE + "," + PROFILE + ",\"sec\":[{\"StandardIdentifiers\":[\"SECONDARY\"],\"FieldNames\":[\"id\"]}]"), "2.2.5"),
                Arguments.of(type(FIELDS, UNIQUE + ",\"_notAKey\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]"), "2.2.6"),
                Arguments.of(type(FIELDS + ",\"Tags\":{\"Source\":\"_source.t\"}", UNIQUE + "," + PROFILE), "2.2.7"),
                Arguments.of(type(FIELDS, UNIQUE + "," + PROFILE + ",\"x\":[{\"FieldNames\":[\"nope\"]}]"), "2.2.8"),
                Arguments.of(type(FIELDS, UNIQUE + "," + PROFILE + ",\"x\":[{\"FieldNames\":[]}]"), "2.2.8"),
                Arguments.of(type(FIELDS + ",\"9lives\":{\"Source\":\"_source.l\"}", UNIQUE + "," + PROFILE), "2.2.9"),
                Arguments.of(type(FIELDS + ",\"p\":{\"Source\":\"_source.p\",\"Target\":\"_profile.ProfileId\"}", UNIQUE + "," + PROFILE), "2.2.10"),
                Arguments.of(type(FIELDS + ",\"a\":{\"Source\":\"_source.a\",\"Target\":\"_asset.AssetId\"}", UNIQUE + "," + PROFILE), "2.2.10"),
                Arguments.of(type(FIELDS + ",\"g\":{\"Source\":\"_source.g\",\"Target\":\"_profile.Gender\"},"
                        + "\"gs\":{\"Source\":\"_source.g\",\"Target\":\"_profile.GenderString\"}", UNIQUE + "," + PROFILE), "2.2.10"),
                Arguments.of(type(FIELDS + ",\"s\":{\"Source\":\"_source.s\",\"Target\":\"_profile.SourceLastUpdatedTimestamp\"}", UNIQUE + "," + PROFILE), "2.2.12"),
                Arguments.of(type(FIELDS + ",\"h\":{\"Source\":\"{{#if _source.a}}x\"}", UNIQUE + "," + PROFILE), "2.2.13"),
                Arguments.of(type(FIELDS, UNIQUE + ",\"_email\":[" + "{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]},".repeat(10)
                        + "{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"email\"]}]"), "2.2.14"),
                Arguments.of(type(FIELDS, UNIQUE + ",\"_email\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"e.mail\"]}]"), "spec 9 row 5"),
                Arguments.of(type(FIELDS, UNIQUE + "," + PROFILE + ",\"o\":[{\"StandardIdentifiers\":[\"ORDER\"],\"FieldNames\":[\"id\"]}]"), "not support"),
                Arguments.of("{\"Description\":\"d\",\"SourcePriority\":1,\"Fields\":{},\"Keys\":{}}", "not supported"),
                Arguments.of("{\"Description\":\"d\",\"TemplateId\":\"CTR\",\"AllowProfileCreation\":false}", "2.1"),
                Arguments.of("{\"Description\":\"d\",\"TemplateId\":\"NoSuchTemplate\"}", "TemplateId"),
                Arguments.of("{\"Description\":\"d\",\"Fieldz\":{}}", "unknown member"));
    }

    @ParameterizedTest
    @MethodSource("brokenTypes")
    void aBrokenTypeStopsLoadingNamingFileTypeAndRule(String definition, String rule) {
        DomainConfigException e = assertThrows(DomainConfigException.class, () -> DomainLoader.parse("D.json", domain(definition)));
        assertTrue(e.getMessage().startsWith("D.json: object type 'T': "), e.getMessage());
        assertTrue(e.getMessage().contains(rule), e.getMessage());
    }

    @Test
    void aValidTypeLoads() {
        Domain domain = DomainLoader.parse("D.json", domain(type(FIELDS, UNIQUE + "," + PROFILE)));
        assertEquals(ContentType.EMAIL_ADDRESS, domain.objectType("T").orElseThrow().fields().get("email").contentType());
        assertEquals(ContentType.EMAIL_ADDRESS, domain.keyContentType("_email"));
    }

    @Test
    void fileLevelProblems() {
        assertThrows(DomainConfigException.class, () -> DomainLoader.parse("Other.json", domain(type(FIELDS, UNIQUE + "," + PROFILE))));
        assertThrows(DomainConfigException.class, () -> DomainLoader.parse("D.json", "{\"DomainName\":\"D\""));
        assertThrows(DomainConfigException.class, () -> DomainLoader.parse("D.json", "{\"DomainName\":\"D\",\"ObjectTypes\":{\"_profile\":{}}}"));
        DomainConfigException e = assertThrows(DomainConfigException.class,
                () -> DomainLoader.parse("D.json", "{\"DomainName\":\"D\",\"DefaultExpirationDays\":5000,\"ObjectTypes\":{}}"));
        assertTrue(e.getMessage().contains("DefaultExpirationDays"));
    }
}

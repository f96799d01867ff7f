package org.openprofiles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.Domain;
import org.openprofiles.model.FieldDefinition;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.StandardIdentifier;

/** The shipped domain, finding domain files in a directory or a jar, and file-level refusals. */
class DomainLoaderTest {
    static final String MINIMAL_TYPE = "{\"Description\":\"d\",\"TemplateId\":\"CTR\"}";

    @Test
    void theShippedDomainIsWorkedExampleAPlusTheCtrTemplate() {
        Domain example = DomainLoader.loadFromClasspath().get("ExampleDomainName");
        assertEquals(366, example.defaultExpirationDays());
        assertEquals(Set.of("MyCustomObjectName", "CTR"), example.objectTypes().keySet());
        assertEquals(Templates.builtIn(), example.templates());

        Map<String, FieldDefinition> fields = new LinkedHashMap<>();
        for (FieldDefinition field : List.of(
                new FieldDefinition("firstName", "_source.firstName", "_profile.FirstName", ContentType.NAME),
                new FieldDefinition("lastName", "_source.lastName", "_profile.LastName", ContentType.NAME),
                new FieldDefinition("homePhone", "{{_source.phoneNumbers.0.number}}", "_profile.HomePhoneNumber", ContentType.PHONE_NUMBER),
                new FieldDefinition("officePhone", "{{_source.phoneNumbers.1.number}}", "_profile.BusinessPhoneNumber", ContentType.PHONE_NUMBER),
                new FieldDefinition("fullName", "{{#removeExtraSpace}}{{_source.firstName}} {{_source.lastName}}{{/removeExtraSpace}}", null, ContentType.NAME),
                new FieldDefinition("city", "_source.address.city", "_profile.Address.City", ContentType.STRING),
                new FieldDefinition("age", "_source.age", "_profile.Attributes.age", ContentType.NUMBER))) {
            fields.put(field.name(), field);
        }
        List<KeyDefinition> keys = List.of(
                new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE), List.of("homePhone")),
                new KeyDefinition("_fullName", Set.of(), List.of("fullName")),
                new KeyDefinition("myObjectId", Set.of(StandardIdentifier.UNIQUE), List.of("fullName", "homePhone")));
        ObjectType custom = example.objectType("MyCustomObjectName").orElseThrow();
        assertEquals(new ObjectType("MyCustomObjectName", custom.description(), null, true, null, fields, keys), custom);
        assertEquals(List.copyOf(fields.keySet()), List.copyOf(custom.fields().keySet()), "definition order is kept");

        ObjectType ctr = example.objectType("CTR").orElseThrow();
        ObjectType template = Templates.builtIn().get("CTR");
        assertEquals(new ObjectType("CTR", "Amazon Connect contact records, from the built-in CTR template", "CTR", true, null,
                template.fields(), template.keys()), ctr);
    }

    @Test
    void domainFilesAreFoundInAClassesDirectory(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("domains/nested"));
        Files.writeString(dir.resolve("domains/A.json"), "{}");
        Files.writeString(dir.resolve("domains/notes.txt"), "x");
        Files.writeString(dir.resolve("domains/nested/B.json"), "{}");
        assertEquals(Map.of("A.json", "{}"), DomainLoader.filesAt(dir));
        assertEquals(Map.of(), DomainLoader.filesAt(dir.resolve("domains/nested")), "no domains/ directory: no domains");
    }

    @Test
    void domainFilesAreFoundInAJar(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("function.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "domains/A.json", "{\"a\":1}");
            put(out, "domains/nested/B.json", "{}");
            put(out, "templates/CTR.json", "{}");
            put(out, "domains/readme.md", "x");
        }
        assertEquals(Map.of("A.json", "{\"a\":1}"), DomainLoader.filesAt(jar));
    }

    private static void put(JarOutputStream jar, String name, String content) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(content.getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
    }

    @Test
    void aDomainFileDefinesCalculatedAttributesBesideConnectsDefaults() {
        assertEquals(7, DomainLoader.loadFromClasspath().get("ExampleDomainName").calculatedAttributes().size(), "Connect's defaults");
        Domain file = DomainLoader.parse("D.json", org.openprofiles.testing.CalculatedEvents.DOMAIN_FILE);
        assertEquals(8, file.calculatedAttributes().size(), "the seven defaults and the file's own");
        assertEquals("Voice calls this year", file.calculatedAttributes().get("_voice_calls_this_year").displayName());
        StringBuilder many = new StringBuilder("{\"DomainName\":\"D\",\"ObjectTypes\":{},\"CalculatedAttributes\":{");
        for (int i = 0; i < 44; i++) {
            many.append(i == 0 ? "" : ",").append("\"n").append(i).append("\":{\"Statistic\":\"COUNT\",")
                    .append("\"AttributeDetails\":{\"Attributes\":[{\"Name\":\"a\"}],\"Expression\":\"{CTR.a}\"}}");
        }
        DomainConfigException e = assertThrows(DomainConfigException.class, () -> DomainLoader.parse("D.json", many + "}}"));
        assertTrue(e.getMessage().contains("at most 50 calculated attributes per domain"), e.getMessage());
    }

    @Test
    void theClasspathHoldsTheShippedDomain() {
        assertTrue(DomainLoader.classpathFiles().containsKey("ExampleDomainName.json"));
        assertTrue(DomainLoader.loadFromClasspath().containsKey("ExampleDomainName"));
    }

    @Test
    void defaultExpirationDaysDefaultsTo366() {
        Domain domain = DomainLoader.parse("D.json", "{\"DomainName\":\"D\",\"ObjectTypes\":{}}");
        assertEquals(366, domain.defaultExpirationDays());
        assertEquals(1098, DomainLoader.parse("D.json", "{\"DomainName\":\"D\",\"DefaultExpirationDays\":1098,\"ObjectTypes\":{}}")
                .defaultExpirationDays());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            D.json    | {"DomainName":"D"                                            | not valid JSON
            D.json    | []                                                           | must be a JSON object
            Other.json| {"DomainName":"D","ObjectTypes":{}}                          | named after its DomainName
            d!.json   | {"DomainName":"d!","ObjectTypes":{}}                         | DomainName must match
            D.json    | {"ObjectTypes":{}}                                           | DomainName must match
            D.json    | {"DomainName":"D","DefaultExpirationDays":0,"ObjectTypes":{}}    | DefaultExpirationDays
            D.json    | {"DomainName":"D","DefaultExpirationDays":1099,"ObjectTypes":{}} | DefaultExpirationDays
            D.json    | {"DomainName":"D","DefaultExpirationDays":"30","ObjectTypes":{}} | DefaultExpirationDays
            D.json    | {"DomainName":"D"}                                           | ObjectTypes must be
            D.json    | {"DomainName":"D","ObjectTypes":{},"Tagz":{}}                | unknown member 'Tagz'
            D.json    | {"DomainName":"D","ObjectTypes":{},"CalculatedAttributes":[]} | CalculatedAttributes must be a JSON object
            D.json    | {"DomainName":"D","ObjectTypes":{},"CalculatedAttributes":{"n":{"Statistic":"COUNT","AttributeDetails":{"Attributes":[{"Name":"a"}],"Expression":"{Orders.a}"}}}} | calculated attribute 'n': AttributeDetails.Expression reads object type 'Orders'
            D.json    | {"DomainName":"D","ObjectTypes":{},"CalculatedAttributes":{"n":{"Statistic":"MODE","AttributeDetails":{"Attributes":[{"Name":"a"}],"Expression":"{CTR.a}"}}}} | calculated attribute 'n': Statistic must be one of
            D.json    | {"DomainName":"D","ObjectTypes":{},"CalculatedAttributes":{"n":{"Statistic":"SUM","AttributeDetails":{"Attributes":[{"Name":"a"}],"Expression":"{CTR.a}"},"Conditions":{"Range":{"Unit":"DAYS"}}}}} | calculated attribute 'n': Conditions.Range must have exactly one of Value and ValueRange
            """)
    void aBrokenFileStopsLoadingNamingTheFile(String fileName, String json, String problem) {
        DomainConfigException e = assertThrows(DomainConfigException.class, () -> DomainLoader.parse(fileName, json));
        assertTrue(e.getMessage().startsWith(fileName + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void aRepeatedObjectTypeOrKeyIsATypoNotAnOverride() {
        String twice = "{\"DomainName\":\"D\",\"ObjectTypes\":{\"CTR\":{\"Description\":\"a\",\"TemplateId\":\"CTR\"},"
                + "\"CTR\":{\"Description\":\"b\",\"TemplateId\":\"CTR\"}}}";
        DomainConfigException e = assertThrows(DomainConfigException.class, () -> DomainLoader.parse("D.json", twice));
        assertTrue(e.getMessage().startsWith("D.json: not valid JSON: member 'CTR' appears twice"), e.getMessage());
    }

    @Test
    void aKeyKeepsItsContentTypesAcrossTheDomainsTypes() {
        String keys = ",\"Keys\":{\"uid\":[{\"StandardIdentifiers\":[\"UNIQUE\"],\"FieldNames\":[\"id\"]}],"
                + "\"_email\":[{\"StandardIdentifiers\":[\"PROFILE\"],\"FieldNames\":[\"mail\"]}]}}";
        String asEmail = "{\"Description\":\"d\",\"Fields\":{\"id\":{\"Source\":\"_source.id\"},"
                + "\"mail\":{\"Source\":\"_source.m\",\"ContentType\":\"EMAIL_ADDRESS\"}}" + keys;
        String asString = asEmail.replace(",\"ContentType\":\"EMAIL_ADDRESS\"", "");
        DomainLoader.parse("D.json", "{\"DomainName\":\"D\",\"ObjectTypes\":{\"A\":" + asEmail + ",\"B\":" + asEmail + "}}");
        DomainConfigException e = assertThrows(DomainConfigException.class, () -> DomainLoader.parse("D.json",
                "{\"DomainName\":\"D\",\"ObjectTypes\":{\"A\":" + asEmail + ",\"B\":" + asString + "}}"));
        assertTrue(e.getMessage().startsWith("D.json: object type 'B': key '_email' is made of fields of ContentType [[STRING]] "
                + "here but [[EMAIL_ADDRESS]] in object type 'A'"), e.getMessage());
    }

    @Test
    void oneBrokenFileStopsThemAll() {
        Map<String, String> files = Map.of("A.json", "{\"DomainName\":\"A\",\"ObjectTypes\":{\"T\":" + MINIMAL_TYPE + "}}",
                "B.json", "{\"DomainName\":\"B\",\"ObjectTypes\":{\"T\":{}}}");
        DomainConfigException e = assertThrows(DomainConfigException.class, () -> DomainLoader.parseAll(files));
        assertTrue(e.getMessage().startsWith("B.json: object type 'T': "), e.getMessage());
    }
}

package org.openprofiles.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.FieldDefinition;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.ServiceException;
import org.openprofiles.model.StandardIdentifier;

/** Worked examples A and B of the spec, mapped without DynamoDB, and the objects a type refuses. */
class ObjectMapperTest {
    static final ObjectType EXAMPLE_A = exampleA();
    static final ObjectType CTR = new ObjectType("CTR", "contact records", null, true, null,
            fields(new FieldDefinition("contactId", "_source.contactId", null, ContentType.STRING),
                    new FieldDefinition("phone", "_source.customerEndpoint.address", null, ContentType.PHONE_NUMBER)),
            List.of(new KeyDefinition("_ctrContactId", Set.of(StandardIdentifier.PROFILE, StandardIdentifier.UNIQUE), List.of("contactId")),
                    new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE, StandardIdentifier.SECONDARY), List.of("phone"))));

    static final String JOHN = "{\"firstName\":\"John\",\"lastName\":\"Smith\",\"isAlive\":true,\"age\":27,\"address\":{\"streetAddress\":"
            + "\"21 2nd Street\",\"city\":\"New York\",\"state\":\"NY\",\"postalCode\":\"10021-3100\"},\"phoneNumbers\":[{\"type\":\"home\","
            + "\"number\":\"212 555-1234\"},{\"type\":\"office\",\"number\":\"646 555-4567\"}],\"children\":[],\"spouse\":null}";

    static Map<String, FieldDefinition> fields(FieldDefinition... definitions) {
        Map<String, FieldDefinition> fields = new LinkedHashMap<>();
        for (FieldDefinition field : definitions) fields.put(field.name(), field);
        return fields;
    }

    static ObjectType exampleA() {
        return new ObjectType("MyCustomObjectName", "custom", null, true, null, fields(
                new FieldDefinition("firstName", "_source.firstName", "_profile.FirstName", ContentType.NAME),
                new FieldDefinition("lastName", "_source.lastName", "_profile.LastName", ContentType.NAME),
                new FieldDefinition("homePhone", "{{_source.phoneNumbers.0.number}}", "_profile.HomePhoneNumber", ContentType.PHONE_NUMBER),
                new FieldDefinition("officePhone", "{{_source.phoneNumbers.1.number}}", "_profile.BusinessPhoneNumber", ContentType.PHONE_NUMBER),
                new FieldDefinition("fullName", "{{#removeExtraSpace}}{{_source.firstName}} {{_source.lastName}}{{/removeExtraSpace}}", null, ContentType.NAME),
                new FieldDefinition("city", "_source.address.city", "_profile.Address.City", ContentType.STRING),
                new FieldDefinition("age", "_source.age", "_profile.Attributes.age", ContentType.NUMBER)),
                List.of(new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE), List.of("homePhone")),
                        new KeyDefinition("_fullName", Set.of(), List.of("fullName")),
                        new KeyDefinition("myObjectId", Set.of(StandardIdentifier.UNIQUE), List.of("fullName", "homePhone"))));
    }

    /** A type with the given fields plus "id", its only key (UNIQUE): no PROFILE key to satisfy. */
    static ObjectType typeWith(FieldDefinition... more) {
        Map<String, FieldDefinition> fields = fields(more);
        fields.put("id", new FieldDefinition("id", "_source.id", null, ContentType.STRING));
        return new ObjectType("T", "t", null, true, null, fields,
                List.of(new KeyDefinition("uid", Set.of(StandardIdentifier.UNIQUE), List.of("id"))));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        return (Map<String, Object>) Json.parse(json);
    }

    static ServiceException refused(ObjectType type, String json) {
        ServiceException e = assertThrows(ServiceException.class, () -> ObjectMapper.forType(type).map(object(json)));
        assertEquals(ServiceException.Type.BadRequestException, e.type());
        return e;
    }

    static void assertMentions(ServiceException e, String... parts) {
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
    }

    @Test
    void workedExampleA() {
        MappedObject mapped = ObjectMapper.forType(EXAMPLE_A).map(object(JOHN));
        assertEquals(List.of("_phone", "_fullName", "myObjectId"), mapped.keys().stream().map(k -> k.definition().keyName()).toList());
        assertEquals(List.of("+12125551234", "john smith", "john smith\u001f+12125551234"),
                mapped.keys().stream().map(EvaluatedKey::value).toList());
        assertEquals("john smith\u001f+12125551234", mapped.uniqueValue());
        assertEquals(List.of("FirstName", "LastName", "HomePhoneNumber", "BusinessPhoneNumber", "Address.City", "Attributes.age"),
                List.copyOf(mapped.profileFields().keySet()), "in field order");
        assertEquals(Map.of("FirstName", "John", "LastName", "Smith", "HomePhoneNumber", "212 555-1234",
                "BusinessPhoneNumber", "646 555-4567", "Address.City", "New York", "Attributes.age", "27"), mapped.profileFields());
        assertEquals("212 555-1234", mapped.inferredPhone());
        assertNull(mapped.inferredEmail());
    }

    @Test
    void formattingDoesNotChangeKeysButTargetsKeepTheValueAsWritten() {
        MappedObject mapped = ObjectMapper.forType(EXAMPLE_A).map(object(
                "{\"firstName\":\"  JOHN \",\"lastName\":\"smith\",\"phoneNumbers\":[{\"number\":\"+1 (212) 555-1234\"}]}"));
        assertEquals("john smith\u001f+12125551234", mapped.uniqueValue());
        assertEquals("JOHN", mapped.profileFields().get("FirstName"), "stripped, not normalised");
        assertEquals("+1 (212) 555-1234", mapped.profileFields().get("HomePhoneNumber"));
        assertEquals(Set.of("FirstName", "LastName", "HomePhoneNumber"), mapped.profileFields().keySet(),
                "missing fields target nothing");
    }

    @Test
    void aContactRecord() {
        MappedObject mapped = ObjectMapper.forType(CTR).map(object(
                "{\"contactId\":\"c-1\",\"customerEndpoint\":{\"address\":\"+1 206-555-0100\",\"type\":\"TELEPHONE_NUMBER\"}}"));
        assertEquals("c-1", mapped.uniqueValue());
        assertEquals(List.of("c-1", "+12065550100"), mapped.keys().stream().map(EvaluatedKey::value).toList());
        assertEquals(Map.of(), mapped.profileFields());
        assertEquals("+1 206-555-0100", mapped.inferredPhone(), "a PHONE_NUMBER field feeds the inferred profile without a Target");

        MappedObject noPhone = ObjectMapper.forType(CTR).map(object("{\"contactId\":\"c-2\"}"));
        assertTrue(noPhone.keys().get(0).present());
        assertTrue(!noPhone.keys().get(1).present(), "a key whose fields are all empty is skipped");
        assertNull(noPhone.inferredPhone());
    }

    @Test
    void anEmptyUniqueFieldIsRefused() {
        assertMentions(refused(CTR, "{\"customerEndpoint\":{\"address\":\"+12065550100\"}}"),
                "field 'contactId'", "UNIQUE key '_ctrContactId'", "object type 'CTR'");
        assertMentions(refused(CTR, "{\"contactId\":\"   \"}"), "'contactId'");
        assertMentions(refused(EXAMPLE_A, "{\"firstName\":\"John\",\"lastName\":\"Smith\"}"), "field 'homePhone'", "'myObjectId'");
        assertMentions(refused(EXAMPLE_A, "{\"firstName\":\"John\",\"phoneNumbers\":[{\"number\":\"n/a\"}]}"), "field 'homePhone'");
        assertMentions(refused(EXAMPLE_A, "{\"phoneNumbers\":[{\"number\":\"2125551234\"}]}"), "field 'fullName'");
    }

    /** Only the key value is normalised; a targeted profile field keeps the phone number as written. */
    @Test
    void aPhoneKeyIsNormalisedWhileItsTargetKeepsTheText() {
        ObjectType type = typeWith(new FieldDefinition("phone", "_source.phone", "_profile.PhoneNumber", ContentType.PHONE_NUMBER));
        type = new ObjectType("T", "t", null, true, null, type.fields(), List.of(type.keys().get(0),
                new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE), List.of("phone"))));

        MappedObject withExtension = ObjectMapper.forType(type).map(object("{\"id\":\"1\",\"phone\":\"206-345-7890 ext. 123\"}"));
        assertEquals("+12063457890", withExtension.keys().get(1).value());
        assertEquals("206-345-7890 ext. 123", withExtension.profileFields().get("PhoneNumber"));
        assertEquals("206-345-7890 ext. 123", withExtension.inferredPhone());

        MappedObject national = ObjectMapper.forType(type).map(object("{\"id\":\"2\",\"phone\":\"0412 345 678\"}"));
        assertEquals("0412345678", national.keys().get(1).value(), "no country guessed");
        assertEquals("0412 345 678", national.profileFields().get("PhoneNumber"));

        // Not a phone number: the field keeps its text, the key is absent (here the only PROFILE key, so a 400).
        assertMentions(refused(type, "{\"id\":\"3\",\"phone\":\"206-FLOWERS\"}"), "PROFILE", "_phone");
        ObjectType searchOnly = new ObjectType("T", "t", null, true, null, type.fields(), List.of(type.keys().get(0),
                new KeyDefinition("_phone", Set.of(), List.of("phone"))));
        MappedObject vanity = ObjectMapper.forType(searchOnly).map(object("{\"id\":\"3\",\"phone\":\"206-FLOWERS\"}"));
        assertNull(vanity.keys().get(1).value());
        assertEquals("206-FLOWERS", vanity.profileFields().get("PhoneNumber"));
    }

    @Test
    void aUniquePhoneThatIsNotAPhoneNumberIsRefusedSayingSo() {
        ServiceException e = refused(EXAMPLE_A, "{\"firstName\":\"John\",\"phoneNumbers\":[{\"number\":\"555-01\"}]}");
        assertMentions(e, "field 'homePhone'", "UNIQUE key 'myObjectId'", "not a phone number", "7 to 15 digits");
    }

    @Test
    void anObjectWithoutAnyProfileKeyIsRefused() {
        ObjectType type = new ObjectType("T", "t", null, true, null,
                fields(new FieldDefinition("id", "_source.id", null, ContentType.STRING),
                        new FieldDefinition("email", "_source.email", null, ContentType.EMAIL_ADDRESS),
                        new FieldDefinition("phone", "_source.phone", null, ContentType.PHONE_NUMBER)),
                List.of(new KeyDefinition("uid", Set.of(StandardIdentifier.UNIQUE), List.of("id")),
                        new KeyDefinition("_email", Set.of(StandardIdentifier.PROFILE), List.of("email")),
                        new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE), List.of("phone"))));
        assertMentions(refused(type, "{\"id\":\"1\",\"phone\":\"none\"}"), "PROFILE", "_email", "_phone");

        MappedObject oneOfThem = ObjectMapper.forType(type).map(object("{\"id\":\"1\",\"email\":\" A@B.example \"}"));
        assertEquals("a@b.example", oneOfThem.keys().get(1).value());
        assertNull(oneOfThem.keys().get(2).value());
        assertEquals("A@B.example", oneOfThem.inferredEmail());
    }

    @Test
    void aKeyValueLongerThanTheApiAllowsIsRefused() {
        assertMentions(refused(CTR, "{\"contactId\":\"" + "c".repeat(256) + "\"}"), "key '_ctrContactId'", "255");
        assertEquals("c".repeat(255), ObjectMapper.forType(CTR).map(object("{\"contactId\":\"" + "c".repeat(255) + "\"}")).uniqueValue());
        String emoji = "\uD83D\uDE00".repeat(255);
        assertEquals(emoji, ObjectMapper.forType(CTR).map(object("{\"contactId\":\"" + emoji + "\"}")).uniqueValue(),
                "lengths are counted in code points");
        assertMentions(refused(EXAMPLE_A, "{\"firstName\":\"" + "J".repeat(256) + "\",\"phoneNumbers\":[{\"number\":\"212 555 1234\"}]}"),
                "key '_fullName'");
    }

    @Test
    void aTargetValueLongerThanTheProfileFieldIsRefused() {
        String base = "{\"firstName\":\"Jo\",\"phoneNumbers\":[{\"number\":\"212 555 1234\"}],\"address\":{\"city\":\"";
        assertMentions(refused(EXAMPLE_A, base + "C".repeat(256) + "\"}}"), "field 'city'", "_profile.Address.City", "255");
        assertEquals("C".repeat(255), ObjectMapper.forType(EXAMPLE_A).map(object(base + "C".repeat(255) + "\"}}"))
                .profileFields().get("Address.City"));

        ObjectType info = typeWith(new FieldDefinition("info", "_source.info", "_profile.AdditionalInformation", ContentType.STRING));
        assertEquals(1000, ObjectMapper.forType(info).map(object("{\"id\":\"1\",\"info\":\"" + "i".repeat(1000) + "\"}"))
                .profileFields().get("AdditionalInformation").length());
        assertMentions(refused(info, "{\"id\":\"1\",\"info\":\"" + "i".repeat(1001) + "\"}"), "field 'info'", "1000");
    }

    @Test
    void enumTargetsTakeOnlyTheirValues() {
        ObjectType type = typeWith(
                new FieldDefinition("party", "_source.party", "_profile.PartyType", ContentType.STRING),
                new FieldDefinition("gender", "_source.gender", "_profile.Gender", ContentType.STRING));
        MappedObject mapped = ObjectMapper.forType(type).map(object("{\"id\":\"1\",\"party\":\"individual\",\"gender\":\" Female \"}"));
        assertEquals(Map.of("PartyType", "INDIVIDUAL", "Gender", "FEMALE"), mapped.profileFields());
        assertMentions(refused(type, "{\"id\":\"1\",\"party\":\"person\"}"), "field 'party'", "PartyType");
        assertMentions(refused(type, "{\"id\":\"1\",\"gender\":\"other\"}"), "field 'gender'", "Gender");
    }

    @Test
    void theFirstNonEmptyFieldWinsASharedTargetAndTheInferredContacts() {
        ObjectType type = typeWith(
                new FieldDefinition("mobile", "_source.mobile", "_profile.PhoneNumber", ContentType.PHONE_NUMBER),
                new FieldDefinition("landline", "_source.landline", "_profile.PhoneNumber", ContentType.PHONE_NUMBER),
                new FieldDefinition("work", "_source.work", null, ContentType.EMAIL_ADDRESS),
                new FieldDefinition("home", "_source.home", "_profile.PersonalEmailAddress", ContentType.EMAIL_ADDRESS));
        MappedObject both = ObjectMapper.forType(type).map(object(
                "{\"id\":\"1\",\"mobile\":\"555-0100\",\"landline\":\"555-0199\",\"work\":\"w@x.example\",\"home\":\"h@x.example\"}"));
        assertEquals("555-0100", both.profileFields().get("PhoneNumber"));
        assertEquals("555-0100", both.inferredPhone());
        assertEquals("w@x.example", both.inferredEmail(), "ContentType alone is enough, Target or not");

        MappedObject second = ObjectMapper.forType(type).map(object(
                "{\"id\":\"1\",\"mobile\":\" \",\"landline\":\"555-0199\",\"home\":\"h@x.example\"}"));
        assertEquals("555-0199", second.profileFields().get("PhoneNumber"));
        assertEquals("555-0199", second.inferredPhone());
        assertEquals("h@x.example", second.inferredEmail());
    }

    @Test
    void eachTypeDefinitionCompilesOnce() {
        assertSame(ObjectMapper.forType(exampleA()), ObjectMapper.forType(exampleA()), "equal definitions share one mapper");
        assertTrue(ObjectMapper.forType(exampleA()) != ObjectMapper.forType(exampleA().named("Other")));
    }
}

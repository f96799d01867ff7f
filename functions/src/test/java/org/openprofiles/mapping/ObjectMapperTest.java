package org.openprofiles.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** Worked examples A and B of the spec, mapped without DynamoDB. */
class ObjectMapperTest {
    static final ObjectType EXAMPLE_A = exampleA();
    static final ObjectType CTR = new ObjectType("CTR", "contact records", null, true, null,
            fields(new FieldDefinition("contactId", "_source.contactId", null, ContentType.STRING),
                    new FieldDefinition("phone", "_source.customerEndpoint.address", null, ContentType.PHONE_NUMBER)),
            List.of(new KeyDefinition("_ctrContactId", Set.of(StandardIdentifier.PROFILE, StandardIdentifier.UNIQUE), List.of("contactId")),
                    new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE, StandardIdentifier.SECONDARY), List.of("phone"))));

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

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        return (Map<String, Object>) Json.parse(json);
    }

    static ServiceException.Type badRequest = ServiceException.Type.BadRequestException;

    @Test
    void workedExampleA() {
        MappedObject mapped = ObjectMapper.forType(EXAMPLE_A).map(object(
                "{\"firstName\":\"John\",\"lastName\":\"Smith\",\"isAlive\":true,\"age\":27,\"address\":{\"streetAddress\":\"21 2nd Street\","
                        + "\"city\":\"New York\",\"state\":\"NY\",\"postalCode\":\"10021-3100\"},\"phoneNumbers\":[{\"type\":\"home\","
                        + "\"number\":\"212 555-1234\"},{\"type\":\"office\",\"number\":\"646 555-4567\"}],\"children\":[],\"spouse\":null}"));
        assertEquals(List.of("+12125551234", "john smith", "john smith\u001f+12125551234"),
                mapped.keys().stream().map(EvaluatedKey::value).toList());
        assertEquals("john smith\u001f+12125551234", mapped.uniqueValue());
        assertEquals(Map.of("FirstName", "John", "LastName", "Smith", "HomePhoneNumber", "212 555-1234",
                "BusinessPhoneNumber", "646 555-4567", "Address.City", "New York", "Attributes.age", "27"), mapped.profileFields());
        assertEquals("212 555-1234", mapped.inferredPhone());
        assertNull(mapped.inferredEmail());
    }

    @Test
    void aContactRecord() {
        MappedObject mapped = ObjectMapper.forType(CTR).map(object(
                "{\"contactId\":\"c-1\",\"customerEndpoint\":{\"address\":\"+1 206-555-0100\",\"type\":\"TELEPHONE_NUMBER\"}}"));
        assertEquals("c-1", mapped.uniqueValue());
        assertEquals(List.of("c-1", "+12065550100"), mapped.keys().stream().map(EvaluatedKey::value).toList());
        assertEquals(Map.of(), mapped.profileFields());
        assertEquals("+1 206-555-0100", mapped.inferredPhone());

        MappedObject noPhone = ObjectMapper.forType(CTR).map(object("{\"contactId\":\"c-2\"}"));
        assertNull(noPhone.keys().get(1).value(), "a key whose fields are all empty is skipped");
    }

    static void assertBadRequest(ObjectType type, String json, String mentions) {
        ServiceException e = assertThrows(ServiceException.class, () -> ObjectMapper.forType(type).map(object(json)));
        assertEquals(badRequest, e.type());
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
    }

    @Test
    void refusedObjects() {
        assertBadRequest(CTR, "{\"customerEndpoint\":{\"address\":\"+12065550100\"}}", "contactId");
        assertBadRequest(EXAMPLE_A, "{\"firstName\":\"John\",\"lastName\":\"Smith\"}", "homePhone");
        assertBadRequest(CTR, "{\"contactId\":\"" + "c".repeat(256) + "\"}", "_ctrContactId");
        assertBadRequest(EXAMPLE_A, "{\"firstName\":\"" + "J".repeat(256) + "\",\"phoneNumbers\":[{\"number\":\"1\"}]}", "_fullName");
        assertBadRequest(EXAMPLE_A, "{\"firstName\":\"Jo\",\"address\":{\"city\":\"" + "C".repeat(256) + "\"},\"phoneNumbers\":[{\"number\":\"1\"}]}",
                "'city'");
    }

    @Test
    void everyProfileKeyEmptyIsRefused() {
        ObjectType type = new ObjectType("T", "t", null, true, null,
                fields(new FieldDefinition("id", "_source.id", null, ContentType.STRING),
                        new FieldDefinition("email", "_source.email", null, ContentType.EMAIL_ADDRESS)),
                List.of(new KeyDefinition("uid", Set.of(StandardIdentifier.UNIQUE), List.of("id")),
                        new KeyDefinition("_email", Set.of(StandardIdentifier.PROFILE), List.of("email"))));
        assertBadRequest(type, "{\"id\":\"1\"}", "_email");
    }
}

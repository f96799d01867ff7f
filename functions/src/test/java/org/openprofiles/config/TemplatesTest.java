package org.openprofiles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.Domain;
import org.openprofiles.model.FieldDefinition;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.StandardIdentifier;

/** The built-in CTR templates (spec 2.5, with this product's camelCase-first rule). */
class TemplatesTest {
    static final Map<String, FieldDefinition> CTR_FIELDS = new LinkedHashMap<>();
    static {
        CTR_FIELDS.put("contactId", new FieldDefinition("contactId",
                "{{#if _source.contactId}}{{_source.contactId}}{{else}}{{_source.ContactId}}{{/if}}", null, ContentType.STRING));
        CTR_FIELDS.put("phone", new FieldDefinition("phone",
                "{{#if _source.customerEndpoint.address}}{{_source.customerEndpoint.address}}{{else}}{{_source.CustomerEndpoint.Address}}{{/if}}",
                null, ContentType.PHONE_NUMBER));
    }
    static final List<KeyDefinition> CTR_KEYS = List.of(
            new KeyDefinition("_ctrContactId", Set.of(StandardIdentifier.PROFILE, StandardIdentifier.UNIQUE), List.of("contactId")),
            new KeyDefinition("_phone", Set.of(StandardIdentifier.PROFILE, StandardIdentifier.SECONDARY), List.of("phone")));

    @Test
    void theThreeTemplatesShareFieldsAndKeysAndDifferInProfileCreation() {
        Map<String, ObjectType> templates = Templates.builtIn();
        assertEquals(Set.of("CTR", "CTR-NoInferred", "CTR-AutoAssociateOnly"), templates.keySet());
        Map<String, Boolean> allowProfileCreation = Map.of("CTR", true, "CTR-NoInferred", true, "CTR-AutoAssociateOnly", false);
        allowProfileCreation.forEach((id, allow) -> {
            ObjectType template = templates.get(id);
            assertEquals(new ObjectType(id, template.description(), null, allow, null, CTR_FIELDS, CTR_KEYS), template);
        });
        assertTrue(templates.get("CTR").description().contains("identical to CTR-NoInferred"));
        assertTrue(templates.get("CTR-NoInferred").description().contains("Identical to CTR"));
    }

    @Test
    void aTypeWithTemplateIdTakesTheMappingAndKeepsItsOwnNameDescriptionAndExpiration() {
        Domain domain = DomainLoader.parse("D.json", "{\"DomainName\":\"D\",\"ObjectTypes\":{\"Calls\":"
                + "{\"Description\":\"phone calls\",\"TemplateId\":\"CTR-AutoAssociateOnly\",\"ExpirationDays\":30}}}");
        assertEquals(new ObjectType("Calls", "phone calls", "CTR-AutoAssociateOnly", false, 30, CTR_FIELDS, CTR_KEYS),
                domain.objectType("Calls").orElseThrow());
    }

    @Test
    void templateIdsAreImplicitObjectTypes() {
        Domain domain = DomainLoader.parse("D.json", "{\"DomainName\":\"D\",\"ObjectTypes\":{}}");
        assertEquals(Templates.builtIn(), domain.templates());
        assertEquals("CTR-NoInferred", domain.objectType("CTR-NoInferred").orElseThrow().name());
        assertTrue(domain.objectType("NoSuchType").isEmpty());
    }
}

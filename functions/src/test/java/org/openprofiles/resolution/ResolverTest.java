package org.openprofiles.resolution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openprofiles.mapping.EvaluatedKey;
import org.openprofiles.model.KeyDefinition;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.StandardIdentifier;

/** Profile resolution (spec 3.1) and stored keys (3.2, 3.3), without DynamoDB. */
class ResolverTest {
    static EvaluatedKey key(String name, String value, StandardIdentifier... identifiers) {
        return new EvaluatedKey(new KeyDefinition(name, Set.of(identifiers), List.of("f")), value);
    }

    static ObjectType type(boolean allowCreation) {
        return new ObjectType("T", "test", null, allowCreation, null, Map.of(), List.of(key("u", "x", StandardIdentifier.UNIQUE).definition()));
    }

    static final EvaluatedKey CONTACT = key("_ctrContactId", "c-1", StandardIdentifier.PROFILE, StandardIdentifier.UNIQUE);
    static final EvaluatedKey PHONE = key("_phone", "+1", StandardIdentifier.PROFILE, StandardIdentifier.SECONDARY);
    static final EvaluatedKey EMAIL = key("_email", "a@b", StandardIdentifier.PROFILE);

    @Test
    void primaryKeysAreTriedBeforeSecondaryOnesInDefinitionOrder() {
        assertEquals(List.of(CONTACT.keyValue(), EMAIL.keyValue(), PHONE.keyValue()),
                Resolver.lookupKeys(List.of(PHONE, CONTACT, EMAIL)));
    }

    @Test
    void theFirstKeyHeldByExactlyOneProfileWins() {
        Map<KeyValue, Set<String>> holders = Map.of(CONTACT.keyValue(), Set.of("p1"), PHONE.keyValue(), Set.of("p2"));
        Resolution r = Resolver.resolve(type(true), List.of(PHONE, CONTACT), k -> holders.getOrDefault(k, Set.of()));
        assertEquals(Resolution.attach("p1"), r);
    }

    @Test
    void anAmbiguousKeyIsSkipped() {
        Map<KeyValue, Set<String>> holders = Map.of(CONTACT.keyValue(), Set.of("p1", "p3"), PHONE.keyValue(), Set.of("p2"));
        assertEquals(Resolution.attach("p2"), Resolver.resolve(type(true), List.of(CONTACT, PHONE), k -> holders.getOrDefault(k, Set.of())));
    }

    @Test
    void withoutASingleMatchCreationDecides() {
        Map<KeyValue, Set<String>> ambiguous = Map.of(PHONE.keyValue(), Set.of("p1", "p2"));
        assertEquals(Resolution.Outcome.CREATE,
                Resolver.resolve(type(true), List.of(CONTACT, PHONE), k -> ambiguous.getOrDefault(k, Set.of())).outcome());
        assertEquals(Resolution.Outcome.UNMATCHED,
                Resolver.resolve(type(false), List.of(CONTACT, PHONE), k -> ambiguous.getOrDefault(k, Set.of())).outcome());
    }

    @Test
    void keysWithoutAValueAreNeverLookedUp() {
        EvaluatedKey empty = key("_email", null, StandardIdentifier.PROFILE);
        assertEquals(List.of(PHONE.keyValue()), Resolver.lookupKeys(List.of(empty, PHONE)));
    }

    @Test
    void storedKeysFollowTheIdentifiers() {
        EvaluatedKey lookupOnly = key("_orderId", "o", StandardIdentifier.PROFILE, StandardIdentifier.LOOKUP_ONLY);
        EvaluatedKey newOnly = key("_account", "a", StandardIdentifier.PROFILE, StandardIdentifier.NEW_ONLY);
        EvaluatedKey searchOnly = key("_fullName", "john smith");
        List<EvaluatedKey> keys = List.of(CONTACT, PHONE, lookupOnly, newOnly, searchOnly);

        assertEquals(List.of(CONTACT.keyValue(), PHONE.keyValue(), searchOnly.keyValue()), Resolver.keysToStore(keys, false));
        assertEquals(List.of(CONTACT.keyValue(), PHONE.keyValue(), newOnly.keyValue(), searchOnly.keyValue()),
                Resolver.keysToStore(keys, true));
    }

    @Test
    void theUniqueKeyIsDeterministicAndShort() {
        String a = ProfileObjectUniqueKeys.of("CTR", "c-1");
        assertEquals(a, ProfileObjectUniqueKeys.of("CTR", "c-1"));
        assertEquals(64, a.length());
        assertEquals(false, a.equals(ProfileObjectUniqueKeys.of("CTR2", "c-1")));
        assertEquals(false, a.equals(ProfileObjectUniqueKeys.of("CTR", "c-2")));
    }

    @Test
    void standardKeysComeFromTheStandardFieldsWritten() {
        List<KeyValue> keys = StandardKeys.of(Map.of("HomePhoneNumber", "(206) 555-0100", "BusinessEmailAddress", "Ann@Example.com",
                "FirstName", "Ann", "LastName", "Lee", "AccountNumber", "A-1"));
        assertEquals(Set.of(new KeyValue("_phone", "+12065550100"), new KeyValue("_email", "ann@example.com"),
                new KeyValue("_fullName", "ann lee"), new KeyValue("_account", "A-1")), Set.copyOf(keys));
    }
}

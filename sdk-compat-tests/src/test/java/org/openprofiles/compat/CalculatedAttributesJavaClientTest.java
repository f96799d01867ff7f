package org.openprofiles.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.customerprofiles.CustomerProfilesClient;
import software.amazon.awssdk.services.customerprofiles.model.AttributeDetails;
import software.amazon.awssdk.services.customerprofiles.model.AttributeItem;
import software.amazon.awssdk.services.customerprofiles.model.BadRequestException;
import software.amazon.awssdk.services.customerprofiles.model.BatchGetCalculatedAttributeForProfileResponse;
import software.amazon.awssdk.services.customerprofiles.model.CalculatedAttributeValue;
import software.amazon.awssdk.services.customerprofiles.model.Conditions;
import software.amazon.awssdk.services.customerprofiles.model.CreateCalculatedAttributeDefinitionResponse;
import software.amazon.awssdk.services.customerprofiles.model.GetCalculatedAttributeForProfileResponse;
import software.amazon.awssdk.services.customerprofiles.model.ListCalculatedAttributeForProfileItem;
import software.amazon.awssdk.services.customerprofiles.model.Range;
import software.amazon.awssdk.services.customerprofiles.model.ReadinessStatus;
import software.amazon.awssdk.services.customerprofiles.model.ResourceNotFoundException;
import software.amazon.awssdk.services.customerprofiles.model.Statistic;
import software.amazon.awssdk.services.customerprofiles.model.Threshold;
import software.amazon.awssdk.services.customerprofiles.model.UpdateCalculatedAttributeDefinitionResponse;

/**
 * The eight calculated attribute operations through the official Java client (customerprofiles 2.40.2, which has all
 * eight): typed results with every member the model gives them, typed errors, values that read the caller's own writes.
 */
class CalculatedAttributesJavaClientTest {
    static LocalApiProcess api;
    static CustomerProfilesClient client;

    @BeforeAll
    static void start() throws IOException {
        api = LocalApiProcess.start(Map.of());
        client = JavaSdkClientTest.client(api.endpoint);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        api.close();
    }

    @Test
    void theCalculatedAttributeStoryThroughTheJavaClient() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String domain = "JavaCalc" + run;
        client.createDomain(r -> r.domainName(domain).defaultExpirationDays(30));
        client.putProfileObjectType(r -> r.domainName(domain).objectTypeName("CTR").description("contact records").templateId("CTR"));

        List<String> defaults = client.listCalculatedAttributeDefinitions(r -> r.domainName(domain)).items().stream()
                .map(i -> i.calculatedAttributeName()).toList();
        assertEquals(7, defaults.size(), defaults.toString());
        assertEquals(Statistic.AVERAGE, client.getCalculatedAttributeDefinition(r -> r.domainName(domain)
                .calculatedAttributeName("_average_hold_time")).statistic());

        CreateCalculatedAttributeDefinitionResponse created = client.createCalculatedAttributeDefinition(r -> r.domainName(domain)
                .calculatedAttributeName("callsThisMonth").displayName("Calls this month").statistic(Statistic.COUNT)
                .attributeDetails(AttributeDetails.builder().attributes(AttributeItem.builder().name("contactId").build())
                        .expression("{CTR.contactId}").build())
                .conditions(Conditions.builder().range(Range.builder().value(30).unit("DAYS").build()).build())
                .useHistoricalData(true).tags(Map.of("team", "routing")));
        assertEquals(ReadinessStatus.COMPLETED, created.status());
        assertEquals(100, created.readiness().progressPercentage());
        assertEquals(30, created.conditions().range().value());
        assertTrue(created.createdAt() != null && created.createdAt().equals(created.lastUpdatedAt()));
        assertTrue(assertThrows(BadRequestException.class, () -> client.createCalculatedAttributeDefinition(r -> r.domainName(domain)
                .calculatedAttributeName("broken").statistic(Statistic.SUM)
                .attributeDetails(AttributeDetails.builder().attributes(AttributeItem.builder().name("a").build(),
                        AttributeItem.builder().name("b").build(), AttributeItem.builder().name("c").build()).expression("{CTR.a}").build())))
                .getMessage().contains("AttributeDetails.Attributes"));

        String phone = "+1 646 555 " + (1000 + Math.abs(run.hashCode() % 9000));
        String profileId = null;
        for (int i = 1; i <= 6; i++) {
            String record = "{\"contactId\":\"java-calc-" + i + "-" + run + "\",\"channel\":\"VOICE\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
            client.putProfileObject(r -> r.domainName(domain).objectTypeName("CTR").object(record));
            if (profileId == null) profileId = client.searchProfiles(r -> r.domainName(domain).keyName("_phone").values(phone)).items().get(0).profileId();
            String id = profileId;
            GetCalculatedAttributeForProfileResponse calls = client.getCalculatedAttributeForProfile(r -> r.domainName(domain).profileId(id)
                    .calculatedAttributeName("callsThisMonth"));
            assertEquals(Integer.toString(i), calls.value(), "the put just answered is counted");
            assertEquals("false", calls.isDataPartial());
            assertTrue(calls.lastObjectTimestamp() != null);
        }
        String id = profileId;
        Map<String, String> values = client.listCalculatedAttributesForProfile(r -> r.domainName(domain).profileId(id)).items().stream()
                .filter(i -> i.value() != null)
                .collect(Collectors.toMap(ListCalculatedAttributeForProfileItem::calculatedAttributeName, ListCalculatedAttributeForProfileItem::value));
        assertEquals("true", values.get("_frequent_caller"), "six calls in 30 days: more than 5");
        assertEquals("VOICE", values.get("_last_channel"));

        String unknown = "0123456789abcdef0123456789abcdef";
        BatchGetCalculatedAttributeForProfileResponse batch = client.batchGetCalculatedAttributeForProfile(r -> r.domainName(domain)
                .calculatedAttributeName("callsThisMonth").profileIds(id, unknown)
                .conditionOverrides(o -> o.range(x -> x.start(1).unit("DAYS"))));
        assertEquals(List.of("6"), batch.calculatedAttributeValues().stream().map(CalculatedAttributeValue::value).toList());
        assertEquals(id, batch.calculatedAttributeValues().get(0).profileId());
        assertEquals(unknown, batch.errors().get(0).profileId());
        assertEquals(1, batch.conditionOverrides().range().start());

        UpdateCalculatedAttributeDefinitionResponse updated = client.updateCalculatedAttributeDefinition(r -> r.domainName(domain)
                .calculatedAttributeName("callsThisMonth").conditions(Conditions.builder()
                        .range(Range.builder().value(30).unit("DAYS").build())
                        .threshold(Threshold.builder().value("5").operator("GREATER_THAN").build()).build()));
        assertEquals("5", updated.conditions().threshold().value());
        assertEquals("true", client.getCalculatedAttributeForProfile(r -> r.domainName(domain).profileId(id)
                .calculatedAttributeName("callsThisMonth")).value());
        client.deleteCalculatedAttributeDefinition(r -> r.domainName(domain).calculatedAttributeName("callsThisMonth"));
        assertThrows(ResourceNotFoundException.class, () -> client.getCalculatedAttributeDefinition(r -> r.domainName(domain)
                .calculatedAttributeName("callsThisMonth")));
        assertThrows(ResourceNotFoundException.class, () -> client.getCalculatedAttributeForProfile(r -> r.domainName(domain)
                .profileId(unknown).calculatedAttributeName("_last_channel")));
        assertFalse(client.listCalculatedAttributeDefinitions(r -> r.domainName(domain)).items().isEmpty());
        assertNull(client.getCalculatedAttributeDefinition(r -> r.domainName(domain).calculatedAttributeName("_last_channel")).createdAt(),
                "a default nobody created has no timestamps");
        client.deleteDomain(r -> r.domainName(domain));
    }
}

package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.service.ContactRecordService;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.testing.CalculatedEvents;
import org.openprofiles.testing.ContactRecords;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.Node;
import org.openprofiles.testing.TestContext;

/**
 * Amazon Connect's default calculated attributes over contact records of both shapes: records from Connect's data
 * stream (PascalCase, durations in seconds, the agent as an ARN) through the stream consumer, and records put in the
 * camelCase of the seed and the API's samples, on one caller's profile.
 */
class DefaultCalculatedAttributesTest {
    static final String DOMAIN = "ExampleDomainName";
    static final String PHONE = "+12065550123";

    final String table = LocalDynamo.newTable();
    final Node node = new Node(table);

    DefaultCalculatedAttributesTest() {
        new DomainAdminService(node.config, new ConfigWrites(node.client, table), Clock.systemUTC(), ErasureWorker.GRACE)
                .applyFiles(DomainLoader.classpathFiles(), Deadline.in(Duration.ofSeconds(30)));
    }

    Map<String, Object> values(String profileId) {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Object item : (List<?>) Events.body(node.read.handleRequest(CalculatedEvents.values(DOMAIN, profileId, null), null)).get("Items")) {
            Map<?, ?> value = (Map<?, ?>) item;
            byName.put((String) value.get("CalculatedAttributeName"), value.get("Value"));
        }
        return byName;
    }

    void stream(Map<String, Object> record) {
        ContactRecordStreamHandler consumer = new ContactRecordStreamHandler(new ContactRecordService(
                new PutProfileObjectService(node.domains, node.store, Clock.systemUTC()), node.store, Clock.systemUTC(), DOMAIN, "CTR"));
        assertEquals(List.of(), consumer.handleRequest(ContactRecords.batch(ContactRecords.bytes(record)), TestContext.remaining(10_000))
                .getBatchItemFailures());
    }

    static Map<String, Object> camelCase(String contactId, String channel, String agent, long holdMillis, long queueMillis, String start,
                                         String end) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("contactId", contactId);
        record.put("channel", channel);
        record.put("customerEndpoint", Map.of("address", PHONE, "type", "TELEPHONE_NUMBER"));
        record.put("agent", Map.of("id", agent, "customerHoldDurationMillis", new Json.JsonNumber(Long.toString(holdMillis))));
        record.put("queue", Map.of("durationMillis", new Json.JsonNumber(Long.toString(queueMillis))));
        record.put("initiationTimestamp", start);
        record.put("disconnectTimestamp", end);
        return record;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDefaultsReadContactRecordsOfEitherShapeFromTheFirstRecord() {
        // Connect's stream: a voice call answered by jdoe, 15 s in queue, 9 s on hold, 250 s long.
        Map<String, Object> call = ContactRecords.voice("c-1", PHONE, 1_000L);
        Map<String, Object> agent = new LinkedHashMap<>((Map<String, Object>) call.get("Agent"));
        agent.put("CustomerHoldDuration", new Json.JsonNumber("9"));
        call.put("Agent", agent);
        stream(call);
        String profile = (String) ((Map<?, ?>) ((List<?>) Events.body(node.read.handleRequest(Events.searchProfiles(DOMAIN, "_phone", PHONE), null))
                .get("Items")).get(0)).get("ProfileId");
        Map<String, Object> first = values(profile);
        assertEquals("VOICE", first.get("_last_channel"), "from the first record");
        assertEquals("VOICE", first.get("_most_frequent_channel"));
        assertEquals("jdoe", first.get("_last_agent_id"), "the agent's id is the last part of its ARN");
        assertEquals("24000", first.get("_average_hold_time"), "(9 s + 15 s) in milliseconds");
        assertEquals("250000", first.get("_average_call_duration"));
        assertEquals("false", first.get("_frequent_caller"));
        assertEquals("true", first.get("_new_customer"));

        // The seed's camelCase: two chats, then a voice call.
        assertEquals(200, node.putObject(DOMAIN, "CTR", camelCase("c-2", "CHAT", "asmith", 0, 2000, "2026-12-05T11:00:00Z",
                "2026-12-05T11:01:00Z")).getStatusCode());
        assertEquals(200, node.putObject(DOMAIN, "CTR", camelCase("c-3", "CHAT", "asmith", 1000, 3000, "2026-12-05T12:00:00Z",
                "2026-12-05T12:02:00Z")).getStatusCode());
        Map<String, Object> chats = values(profile);
        assertEquals("CHAT", chats.get("_last_channel"));
        assertEquals("CHAT", chats.get("_most_frequent_channel"));
        assertEquals("asmith", chats.get("_last_agent_id"));
        assertEquals("10000", chats.get("_average_hold_time"), "(24000 + 2000 + 4000) / 3");
        assertEquals("143333.3333333333", chats.get("_average_call_duration"), "(250 s + 60 s + 120 s) / 3, in ms");

        // The frequent-caller routing decision: more than 5 contacts in 30 days.
        for (int i = 4; i <= 5; i++) {
            assertEquals(200, node.putObject(DOMAIN, "CTR", camelCase("c-" + i, "VOICE", "jdoe", 0, 0, "2026-12-05T13:00:00Z",
                    "2026-12-05T13:00:30Z")).getStatusCode());
        }
        assertEquals("false", values(profile).get("_frequent_caller"), "5 contacts: not more than 5");
        stream(ContactRecords.voice("c-6", PHONE, 2_000L));
        Map<String, Object> frequent = values(profile);
        assertEquals("true", frequent.get("_frequent_caller"), "the sixth contact makes more than 5, read at once");
        assertEquals("VOICE", frequent.get("_most_frequent_channel"));
        assertTrue(frequent.containsKey("_average_hold_time"));
    }
}

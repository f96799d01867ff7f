package org.openprofiles.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the consumer reads of a contact record itself: its identity and its order. */
class ContactRecordTest {
    static ContactRecord parse(String json) {
        return ContactRecord.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static ContactRecord.Problem refused(byte[] data) {
        return assertThrows(ContactRecord.Refused.class, () -> ContactRecord.parse(data)).problem();
    }

    static ContactRecord.Problem refused(String json) {
        return refused(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void timestampsInEitherFormatAreTheSameInstant() {
        long expected = 1_796_465_112_000L; // 2026-12-05T10:05:12Z
        assertEquals(expected, parse("{\"ContactId\":\"c\",\"LastUpdateTimestamp\":\"2026-12-05T10:05:12Z\"}").lastUpdatedAt());
        assertEquals(expected, parse("{\"ContactId\":\"c\",\"LastUpdateTimestamp\":\"2026-12-05T10:05:12.000Z\"}").lastUpdatedAt());
        assertEquals(expected, parse("{\"ContactId\":\"c\",\"LastUpdateTimestamp\":\"2026-12-05T12:05:12+02:00\"}").lastUpdatedAt());
        assertEquals(expected, parse("{\"ContactId\":\"c\",\"LastUpdateTimestamp\":1796465112000}").lastUpdatedAt());
        assertEquals(expected, parse("{\"ContactId\":\"c\",\"LastUpdateTimestamp\":\"1796465112000\"}").lastUpdatedAt());
        assertEquals(expected, parse("{\"contactId\":\"c\",\"lastUpdateTimestamp\":1796465112000}").lastUpdatedAt());
        assertEquals(expected + 1, parse("{\"ContactId\":\"c\",\"LastUpdateTimestamp\":\"2026-12-05T10:05:12.001Z\"}").lastUpdatedAt());
    }

    @Test
    void aRecordWithoutATimestampRanksBelowEveryRecordWithOne() {
        assertEquals(0, parse("{\"ContactId\":\"c\"}").lastUpdatedAt());
        assertEquals(0, parse("{\"ContactId\":\"c\",\"LastUpdateTimestamp\":null}").lastUpdatedAt());
    }

    @Test
    void theIdentityIsContactIdInEitherCase() {
        assertEquals("pascal", parse("{\"ContactId\":\"pascal\",\"contactId\":\"camel\"}").contactId());
        assertEquals("camel", parse("{\"contactId\":\"camel\"}").contactId());
        String json = "{\"ContactId\":\"c\",\"Attributes\":{\"x\":\"y\"}}";
        assertEquals(json, parse(json).json(), "kept exactly as sent");
    }

    @Test
    void whatCanNeverBeARecordIsRefusedNamingTheField() {
        assertEquals(ContactRecord.Problem.NOT_TEXT, refused(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
        assertEquals(ContactRecord.Problem.NOT_JSON, refused("{\"ContactId\":"));
        assertEquals(ContactRecord.Problem.NOT_JSON, refused("[{\"ContactId\":\"c\"}]"));
        assertEquals(ContactRecord.Problem.NO_CONTACT_ID, refused("{\"ContactId\":42}"));
        assertEquals(ContactRecord.Problem.NO_CONTACT_ID, refused("{\"ContactId\":\" \"}"));
        assertEquals(ContactRecord.Problem.NO_CONTACT_ID, refused("{\"ContactId\":\"" + "c".repeat(257) + "\"}"));
        assertEquals(ContactRecord.Problem.TOO_LARGE, refused("{\"ContactId\":\"c\",\"x\":\"" + "x".repeat(256_000) + "\"}"));
        for (String bad : new String[] {"\"yesterday\"", "\"2026-12-05\"", "true", "-5", "1.5e3", "\"\""}) {
            ContactRecord.Refused e = assertThrows(ContactRecord.Refused.class,
                    () -> parse("{\"ContactId\":\"c\",\"LastUpdateTimestamp\":" + bad + "}"), bad);
            assertEquals(ContactRecord.Problem.BAD_TIMESTAMP, e.problem());
            assertTrue(e.getMessage().startsWith("LastUpdateTimestamp must be"), e.getMessage());
        }
    }
}

package org.openprofiles.store.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.StandardProfile;
import org.openprofiles.store.ingest.ObjectWriter;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.testing.LocalDynamo;

/** DynamoDB's request limits, held where the requests are built; objects past their expiry are gone. */
class DynamoLimitsTest {

    @Test
    void anUpdateOfTwoHundredFiftyFieldsFitsDynamoDbsFourKilobyteExpressionLimit() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < 250; i++) fields.put("Attributes.a-sixty-four-character-attribute-name-is-the-longest-allowed-" + i, "v");
        var update = ObjectWriter.profileUpdate("t", "pk", fields, 0).update();
        int bytes = update.updateExpression().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= 4096, "update expression is " + bytes + " bytes");
    }

    @Test
    void aPutNeverBuildsMoreThanOneHundredItemsPerRequest() {
        // Keys per type (the configuration's limit) plus the standard keys one write can set, plus object and profile.
        int standardKeys = StandardProfile.PHONE_FIELDS.size() + StandardProfile.EMAIL_FIELDS.size() + 2;
        int worstCase = org.openprofiles.config.MappingRules.MAX_KEYS + standardKeys + 2;
        assertTrue(worstCase <= DynamoCalls.MAX_TRANSACTION_ACTIONS && worstCase <= DynamoCalls.MAX_BATCH_GET_KEYS, "worst case " + worstCase);
        // A removal holds every shard of the profile besides its own items: DeleteProfileObject deletes the
        // object and removes each value it brought; UpdateProfile updates the profile, drops and gains standard values.
        int deleteProfileObject = 1 + org.openprofiles.config.MappingRules.MAX_KEYS + standardKeys;
        int updateProfile = 1 + 2 * standardKeys;
        assertTrue(ProfileShards.COUNT + Math.max(deleteProfileObject, updateProfile) <= DynamoCalls.MAX_TRANSACTION_ACTIONS,
                ProfileShards.COUNT + " shards and " + Math.max(deleteProfileObject, updateProfile) + " items");
        // A spill is its own transaction: the value's item and one holder item per listed holder.
        assertTrue(1 + KeyValueHolders.DEFAULT_INLINE_LIMIT <= DynamoCalls.MAX_TRANSACTION_ACTIONS);
    }

    @Test
    void moreThanOneHundredActionsAreRefusedBeforeAnythingIsSent() {
        DynamoCalls calls = new DynamoCalls(LocalDynamo.client(), "never-called");
        var actions = java.util.Collections.nCopies(101, new KeyValueHolders("t", 3).holder("d", new KeyValue("k", "v"), "p"));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> calls.commit(actions, Deadline.in(Duration.ofSeconds(5))));
        assertTrue(e.getMessage().contains("transaction limit"));
    }

    @Test
    void batchReadsOfMoreThanOneHundredKeysAreSplit() {
        String table = LocalDynamo.newTable();
        DynamoCalls calls = new DynamoCalls(LocalDynamo.client(), table);
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String pk = "item-" + i;
            if (i % 10 == 0) LocalDynamo.client().putItem(r -> r.tableName(table).item(DynamoCalls.itemKey(pk)));
            keys.add(DynamoCalls.itemKey(pk));
        }
        assertEquals(25, calls.batchGet(keys, Deadline.in(Duration.ofSeconds(5))).size());
    }

    @Test
    void anObjectPastItsExpiryIsAbsentForResolution() {
        String table = LocalDynamo.newTable();
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        String pk = StoreKeys.object("d", "CTR", "u1");
        LocalDynamo.client().putItem(r -> r.tableName(table).item(Map.of(
                ProfilesTable.PARTITION_KEY, DynamoCalls.s(pk), "objectTypeName", DynamoCalls.s("CTR"), "uniqueKey", DynamoCalls.s("u1"),
                "profileId", DynamoCalls.s("p1"), "object", DynamoCalls.s("{}"), "updatedAt", DynamoCalls.n(0),
                ProfilesTable.TTL_ATTRIBUTE, DynamoCalls.n(now.getEpochSecond()))));
        Deadline deadline = Deadline.in(Duration.ofSeconds(5));
        ConsistentReads before = new ConsistentReads(new DynamoCalls(LocalDynamo.client(), table),
                Clock.fixed(now.minusSeconds(1), ZoneOffset.UTC));
        ConsistentReads after = new ConsistentReads(new DynamoCalls(LocalDynamo.client(), table), Clock.fixed(now, ZoneOffset.UTC));
        assertNotNull(before.read(ReadRequest.keys("d", List.of()).andObject("CTR", "u1"), deadline).object());
        assertNull(after.read(ReadRequest.keys("d", List.of()).andObject("CTR", "u1"), deadline).object(), "expired, though DynamoDB has not deleted it yet");
    }
}

package org.openprofiles.store.ingest;

import org.openprofiles.store.ProfileStore.DeadLetter;

import static org.openprofiles.store.table.DynamoCalls.n;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Stream records that can never be stored, set aside in the table with their content and the reason
 * (docs/data-model.md, item "dead letter"): a user lists a domain's on the index partition
 * {@link StoreKeys#deadLetters}, oldest first, and replays one by putting its {@code data} back on the stream.
 * They are the domain's data: DeleteDomain erases them with the rest.
 */
public final class DeadLetters {
    /** What of a record's bytes is kept: an item holds at most 400 KB; a Kinesis record may hold 1 MB. */
    public static final int MAX_STORED_BYTES = 300_000;
    /** How long a dead letter is kept for a user to read and replay. */
    public static final Duration KEPT = Duration.ofDays(14);

    private final DynamoCalls calls;

    public DeadLetters(DynamoCalls calls) {
        this.calls = calls;
    }

    /** One PutItem, unconditional: the same record set aside twice is one item. */
    public void put(DeadLetter letter, Deadline deadline) {
        boolean truncated = letter.data().length > MAX_STORED_BYTES;
        byte[] kept = truncated ? Arrays.copyOf(letter.data(), MAX_STORED_BYTES) : letter.data();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ProfilesTable.PARTITION_KEY, s(StoreKeys.deadLetter(letter.domainName(), letter.recordId())));
        item.put("recordId", s(letter.recordId()));
        item.put("objectTypeName", s(letter.objectTypeName()));
        item.put("problem", s(letter.problem()));
        item.put("reason", s(letter.reason()));
        item.put("data", AttributeValue.fromB(SdkBytes.fromByteArray(kept)));
        item.put("size", n(letter.data().length));
        item.put("truncated", AttributeValue.fromBool(truncated));
        item.put("setAsideAt", s(letter.setAsideAt().toString()));
        item.put(ProfilesTable.TTL_ATTRIBUTE, n(letter.setAsideAt().plus(KEPT).getEpochSecond()));
        item.put(ProfilesTable.INDEX_PARTITION_KEY, s(StoreKeys.deadLetters(letter.domainName())));
        item.put(ProfilesTable.INDEX_SORT_KEY, s(letter.setAsideAt() + "#" + letter.recordId()));
        calls.commit(List.of(TransactWriteItem.builder().put(Put.builder().tableName(calls.tableName).item(item).build()).build()),
                deadline);
    }
}

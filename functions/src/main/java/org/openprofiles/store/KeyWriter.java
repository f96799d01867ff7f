package org.openprofiles.store;

import static org.openprofiles.store.DynamoCalls.key;
import static org.openprofiles.store.DynamoCalls.n;
import static org.openprofiles.store.DynamoCalls.s;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * AddProfileKey's write: the profile joins the holders of each value, atomically, with a check
 * that the profile exists. One transaction without a read while every value fits its item; a
 * value that is full or spilled takes the read-then-write path.
 */
public final class KeyWriter {
    private final DynamoCalls calls;
    private final KeyHolders holders;
    private final ResolutionReader reader;

    KeyWriter(DynamoCalls calls, KeyHolders holders, ResolutionReader reader) {
        this.calls = calls;
        this.holders = holders;
        this.reader = reader;
    }

    /**
     * @throws ServiceException ResourceNotFoundException when the profile does not exist
     * @throws WriteConflictException when a concurrent transaction touched the same items or DynamoDB throttled
     */
    public void addKeys(String domain, String profileId, Collection<KeyValue> keys, Deadline deadline) {
        List<KeyValue> values = List.copyOf(new LinkedHashSet<>(keys));
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(profileExists(domain, profileId));
        for (KeyValue key : values) actions.add(addWhileItFits(domain, key, profileId));
        try {
            calls.transact(actions, deadline, reasons -> {
                if (failed(reasons, 0)) return notFound(domain, profileId);
                for (int i = 1; i < reasons.size(); i++) if (failed(reasons, i)) return new FullValue();
                return null;
            });
        } catch (FullValue e) {
            addReadingFirst(domain, profileId, values, deadline);
        }
    }

    /** A value is spilled, or full and about to spill: the fast path's condition failed on it. */
    private static final class FullValue extends RuntimeException {
        FullValue() {
            super(null, null, false, false);
        }
    }

    /** For values that are full or spilled: read them, spill what must spill, then add in one transaction. */
    private void addReadingFirst(String domain, String profileId, List<KeyValue> values, Deadline deadline) {
        Snapshot seen = reader.read(domain, values, null, null, deadline);
        if (holders.spillFirst(calls, domain, values, seen, profileId, deadline)) {
            throw new WriteConflictException("a key value was spilled; read again", false);
        }
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(profileExists(domain, profileId));
        for (KeyValue key : values) actions.addAll(holders.add(domain, key, seen.keys().get(key), profileId));
        calls.transact(actions, deadline, reasons -> failed(reasons, 0) ? notFound(domain, profileId) : null);
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static ServiceException notFound(String domain, String profileId) {
        return ServiceException.notFound("Profile '" + profileId + "' does not exist in domain '" + domain + "'");
    }

    private TransactWriteItem profileExists(String domain, String profileId) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(calls.tableName)
                .key(key(StoreKeys.profile(domain, profileId)))
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY))
                .build()).build();
    }

    /** Adds the holder in place unless the value is spilled or full (then the condition fails). */
    private TransactWriteItem addWhileItFits(String domain, KeyValue key, String profileId) {
        Map<String, String> names = new HashMap<>(Map.of("#ids", "profileIds", "#rev", "rev", "#keyName", "keyName",
                "#keyValue", "keyValue", "#spilled", "spilled"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":id", AttributeValue.fromSs(List.of(profileId)),
                ":idS", s(profileId), ":one", n(1), ":keyName", s(key.keyName()), ":keyValue", s(key.value()),
                ":limit", n(holders.inlineLimit())));
        return TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName)
                .key(key(StoreKeys.keyValue(domain, key)))
                .updateExpression("ADD #ids :id, #rev :one SET #keyName = :keyName, #keyValue = :keyValue")
                .conditionExpression("attribute_not_exists(#spilled) AND (attribute_not_exists(#ids) OR contains(#ids, :idS)"
                        + " OR size(#ids) < :limit)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }
}

package org.openprofiles.store;

import static org.openprofiles.store.DynamoCalls.key;
import static org.openprofiles.store.DynamoCalls.n;
import static org.openprofiles.store.DynamoCalls.s;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Holds a profile still while a removal decides which key values lose their last source
 * (DeleteProfileObject, UpdateProfile). A put that finds a value already naming the profile does
 * not touch the value's item (docs/data-model.md): without the fence it could commit a new source
 * of the value just after the removal decided there was none, and the value would stop naming the
 * profile its object is on. Fenced, every write that adds to the profile is refused and tries again
 * (the gate check of {@link Gates}), and the removal reads the profile's membership knowing no
 * source can appear until it committed.
 *
 * <p>One holder at a time per profile, and never while it is being closed: the holder first takes a
 * lease on the profile item ({@code fencedBy}, {@code fencedUntil}), which DeleteProfile and
 * MergeProfiles wait for before they close the gates ({@link #markClosing}), so a holder's reopening
 * never undoes a close. The lease and the fence last until the holder's deadline plus a margin:
 * a holder that died, or could not reopen, stops blocking the profile then.
 */
public final class ProfileFence {
    static final String FENCED_BY = "fencedBy";
    static final String FENCED_UNTIL = Gates.FENCED_UNTIL;
    static final String CLOSING = "closing";
    /** Beyond the holder's deadline: by then its every call has ended. */
    static final Duration MARGIN = Duration.ofSeconds(2);
    /**
     * How long the gates remember a removed value: longer than any put can take from its read to its
     * commit (the function timeout), plus the clocks' margin.
     */
    static final Duration REMEMBERED = DynamoDbClients.FUNCTION_TIMEOUT.plus(MARGIN).plus(Gates.CLOCK_MARGIN);

    private final DynamoCalls calls;
    private final Gates gates;
    private final Clock clock;

    ProfileFence(DynamoCalls calls, Gates gates, Clock clock) {
        this.calls = calls;
        this.gates = gates;
        this.clock = clock;
    }

    /** A removal run fenced: it adds the values it is about to remove to {@code removing} before it commits. */
    interface Removal {
        void run(Set<KeyValue> removing);
    }

    /**
     * Runs {@code removal} with the profile fenced, then reopens it, recording the values it removed
     * on the gates (with those removed in the last {@link #REMEMBERED}): a put that read one of them as
     * held before the removal and commits after the reopening is refused ({@link Gates#openCheck}).
     *
     * @throws org.openprofiles.model.ServiceException ResourceNotFoundException when the profile does not exist or is being closed
     * @throws WriteConflictException when another removal holds the profile (the caller tries again)
     */
    void hold(String domain, String profileId, Deadline deadline, Removal removal) {
        String token = UUID.randomUUID().toString();
        long until = clock.millis() + deadline.remaining().toMillis() + MARGIN.toMillis();
        lease(domain, profileId, token, until, deadline);
        Map<String, Long> removed = new HashMap<>();
        Set<KeyValue> removing = new LinkedHashSet<>();
        try {
            long forgetBefore = clock.millis() - REMEMBERED.toMillis();
            gates.recentlyRemoved(domain, profileId, deadline).forEach((value, at) -> {
                if (at >= forgetBefore) removed.put(value, at);
            });
            gates.fence(domain, profileId, until, removed, deadline);
            removal.run(removing);
        } catch (RuntimeException failed) {
            try {
                release(domain, profileId, token, removed, removing, deadline);
            } catch (RuntimeException alsoFailed) {
                failed.addSuppressed(alsoFailed); // the fence and lease lapse at `until`
            }
            throw failed;
        }
        try {
            release(domain, profileId, token, removed, removing, deadline);
        } catch (RuntimeException e) {
            // The removal committed; the fence and the lease lapse at `until` by themselves.
        }
    }

    private void lease(String domain, String profileId, String token, long until, Deadline deadline) {
        try {
            DynamoCalls.call(() -> calls.dynamo.updateItem(r -> r.tableName(calls.tableName)
                    .key(key(StoreKeys.profile(domain, profileId)))
                    .updateExpression("SET #by = :t, #fu = :until")
                    .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#closing) AND (attribute_not_exists(#fu) OR #fu < :now)")
                    .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#by", FENCED_BY, "#fu", FENCED_UNTIL,
                            "#closing", CLOSING))
                    .expressionAttributeValues(Map.of(":t", s(token), ":until", n(until), ":now", n(clock.millis())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .overrideConfiguration(DynamoCalls.within(deadline))));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = e.hasItem() ? e.item() : Map.of();
            AttributeValue by = item.get(FENCED_BY);
            if (by != null && token.equals(by.s())) return; // our own write, whose response was lost and retried
            if (item.isEmpty() || item.containsKey(CLOSING)) throw KeyWriter.notFound(domain, profileId);
            throw new WriteConflictException("another removal holds the profile; try again", false);
        }
    }

    /** Reopens the gates, recording {@code removing} as removed now (also when the commit's outcome is unknown), and ends the lease. */
    private void release(String domain, String profileId, String token, Map<String, Long> removed, Set<KeyValue> removing,
                         Deadline deadline) {
        long now = clock.millis();
        for (KeyValue value : removing) removed.put(StoreKeys.objectKey(value), now);
        gates.reopen(domain, profileId, removed, deadline);
        try {
            DynamoCalls.call(() -> calls.dynamo.updateItem(r -> r.tableName(calls.tableName)
                    .key(key(StoreKeys.profile(domain, profileId)))
                    .updateExpression("REMOVE #by, #fu")
                    .conditionExpression("#by = :t")
                    .expressionAttributeNames(Map.of("#by", FENCED_BY, "#fu", FENCED_UNTIL))
                    .expressionAttributeValues(Map.of(":t", s(token)))
                    .overrideConfiguration(DynamoCalls.within(deadline))));
        } catch (ConditionalCheckFailedException e) {
            // Released already (a retried call whose first response was lost), or the profile is gone.
        }
    }

    /**
     * DeleteProfile and MergeProfiles mark the profile closing before they close its gates: from then
     * on no removal fences it, and none that holds it now is left (its lease is over).
     *
     * @throws org.openprofiles.model.ServiceException ResourceNotFoundException when the profile does not exist
     * @throws WriteConflictException while a removal holds the profile (the caller tries again)
     */
    void markClosing(String domain, String profileId, Deadline deadline) {
        try {
            DynamoCalls.call(() -> calls.dynamo.updateItem(r -> r.tableName(calls.tableName)
                    .key(key(StoreKeys.profile(domain, profileId)))
                    .updateExpression("SET #closing = :true")
                    .conditionExpression("attribute_exists(#pk) AND (attribute_not_exists(#fu) OR #fu < :now)")
                    .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY, "#fu", FENCED_UNTIL, "#closing", CLOSING))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true), ":now", n(clock.millis())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .overrideConfiguration(DynamoCalls.within(deadline))));
        } catch (ConditionalCheckFailedException e) {
            if (!e.hasItem() || e.item().isEmpty()) throw KeyWriter.notFound(domain, profileId);
            throw new WriteConflictException("a removal holds the profile; try again", false);
        }
    }
}

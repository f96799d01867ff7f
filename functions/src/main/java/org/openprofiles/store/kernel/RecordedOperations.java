package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;
import static org.openprofiles.store.table.DynamoCalls.s;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.ProfileStore.Audit;
import org.openprofiles.store.table.OperationRecord;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.Retry;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.store.table.DecideAgainException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * DeleteProfile and MergeProfiles: record the operation on every profile it involves (one write;
 * unknown profiles: 404 with nothing written), then finish it ({@link ProfileDeletion},
 * {@link ProfileMerge}). A profile that already carries another operation's record has that one
 * finished first, whoever started it; then the call decides again. So operations sharing a profile
 * are ordered, and one whose function died is finished by the next request that meets it.
 */
public final class RecordedOperations {
    /**
     * A record older than this was left by a function that died (no call lives longer than its
     * function's timeout): puts that meet its closed shards finish it. Only when, never whether, a
     * write happens depends on clocks.
     */
    static final Duration ABANDONED_AFTER = DynamoDbClients.FUNCTION_TIMEOUT.plusSeconds(2);

    /**
     * A request met a DeleteProfile or MergeProfiles recorded on a profile it works on: nothing was
     * written; the caller finishes that operation ({@link RecordedOperations#help}) and decides again.
     */
    public static final class PendingOperation extends RuntimeException {
        private final OperationRecord op;

        public PendingOperation(OperationRecord op) {
            super("a recorded operation is not finished", null, false, false);
            this.op = op;
        }

        public OperationRecord op() {
            return op;
        }
    }

    private final DynamoCalls calls;
    private final ConsistentReads reader;
    private final ProfileDeletion deletion;
    private final ProfileMerge merge;
    private final Clock clock;

    public RecordedOperations(DynamoCalls calls, ConsistentReads reader, ProfileDeletion deletion, ProfileMerge merge, Clock clock) {
        this.calls = calls;
        this.reader = reader;
        this.deletion = deletion;
        this.merge = merge;
        this.clock = clock;
    }

    /**
     * DeleteProfile. A profile being deleted already: that deletion is finished, and this call answers as it would.
     *
     * @throws ServiceException ResourceNotFoundException for an unknown profile (nothing written); InternalServerException when
     *                          the deletion was recorded but could not be finished in time (a repeated call finishes it)
     */
    public void delete(String domain, String profileId, Collection<String> objectTypeNames, Deadline deadline) {
        List<String> tried = new ArrayList<>();
        Retry.run(Retry.WRITE_AGAIN, deadline, () -> {
            Snapshot.ProfileState profile = reader.read(ReadRequest.profile(domain, profileId), deadline).profile();
            if (profile == null) {
                if (finishedByOthers(domain, List.of(profileId), tried, deadline)) return;
                throw ServiceException.profileNotFound(domain, profileId);
            }
            OperationRecord met = profile.op();
            if (met != null) {
                finishRecorded(domain, met, objectTypeNames, deadline);
                if (met.kind() == OperationRecord.Kind.DELETE) return;
            } else {
                OperationRecord op = OperationRecord.delete(profileId, clock.millis());
                tried.add(op.id());
                if (record(domain, op, deadline)) {
                    finishRecorded(domain, op, objectTypeNames, deadline);
                    return;
                }
            }
            throw new DecideAgainException("another operation was recorded on the profile first; read again", false);
        });
    }

    /**
     * MergeProfiles. The same merge recorded already (a repeated call): it is finished, and this call answers 200.
     *
     * @param fieldSources field path or group → the profile whose value wins, even an absent one
     * @throws ServiceException ResourceNotFoundException naming the unknown profiles (nothing written); InternalServerException
     *                          as {@link #delete}
     */
    public void merge(String domain, String mainId, List<String> mergedIds, Map<String, String> fieldSources,
                      Collection<String> objectTypeNames, Audit audit, Deadline deadline) {
        OperationRecord wanted = OperationRecord.merge(mainId, mergedIds, fieldSources, clock.millis(), audit.performedBy(),
                audit.retentionDays());
        List<String> tried = new ArrayList<>();
        Retry.run(Retry.WRITE_AGAIN, deadline, () -> {
            Map<String, Snapshot.ProfileState> profiles = read(domain, wanted.profiles(), deadline);
            OperationRecord met = null;
            for (String id : wanted.profiles()) {
                Snapshot.ProfileState p = profiles.get(id);
                if (p != null && p.op() != null) {
                    met = p.op();
                    break;
                }
            }
            if (met != null) {
                finishRecorded(domain, met, objectTypeNames, deadline);
                if (met.sameRequest(wanted)) return;
            } else {
                List<String> missing = new ArrayList<>();
                for (String id : wanted.profiles()) if (!profiles.containsKey(id)) missing.add(id);
                if (!missing.isEmpty() && !finishedByOthers(domain, missing, tried, deadline)) {
                    throw ServiceException.notFound("Profiles do not exist in domain '" + domain + "': " + String.join(", ", missing));
                }
                OperationRecord op = OperationRecord.merge(mainId, mergedIds, fieldSources, clock.millis(), audit.performedBy(),
                        audit.retentionDays());
                tried.add(op.id());
                if (record(domain, op, deadline)) {
                    finishRecorded(domain, op, objectTypeNames, deadline);
                    return;
                }
            }
            throw new DecideAgainException("another operation was recorded on a profile first; read again", false);
        });
    }

    /**
     * Finishes an operation a put met on a closed shard, if it has waited longer than any live call
     * would ({@link #ABANDONED_AFTER}); a live one is left to its own call.
     */
    public void finishIfAbandoned(String domain, String profileId, long closedAtMillis, Collection<String> objectTypeNames,
                                  Deadline deadline) {
        if (clock.millis() - closedAtMillis < ABANDONED_AFTER.toMillis()) return;
        Snapshot.ProfileState profile = reader.read(ReadRequest.profile(domain, profileId), deadline).profile();
        if (profile != null && profile.op() != null) finish(domain, profile.op(), objectTypeNames, deadline);
    }

    /**
     * Finishes every operation of the domain recorded longer ago than {@link #ABANDONED_AFTER}: those
     * whose function died and that no request met (the recorded main profiles are listed in the index
     * partition {@link StoreKeys#pendingOperations}; eventually consistent, which a sweep can afford).
     * Returns how many it finished.
     */
    public int finishAbandoned(String domain, Collection<String> objectTypeNames, Deadline deadline) {
        int finished = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = calls.query(QueryRequest.builder()
                    .indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                    .keyConditionExpression("#g = :g")
                    .expressionAttributeNames(Map.of("#g", ProfilesTable.INDEX_PARTITION_KEY))
                    .expressionAttributeValues(Map.of(":g", s(StoreKeys.pendingOperations(domain))))
                    .exclusiveStartKey(from), deadline);
            for (Map<String, AttributeValue> item : page.items()) {
                AttributeValue recorded = item.get(ProfileItem.OP);
                if (recorded == null) continue;
                OperationRecord op = OperationRecord.parse(recorded.s());
                if (clock.millis() - op.atMillis() < ABANDONED_AFTER.toMillis()) continue;
                finish(domain, op, objectTypeNames, deadline);
                finished++;
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return finished;
    }

    /** Finishes an operation another request met ({@link PendingOperation}): the request then decides again. */
    public void help(String domain, OperationRecord op, Collection<String> objectTypeNames, Deadline deadline) {
        finishRecorded(domain, op, objectTypeNames, deadline);
    }

    /** Runs the rest of a recorded operation (whoever recorded it). */
    void finish(String domain, OperationRecord op, Collection<String> objectTypeNames, Deadline deadline) {
        if (op.kind() == OperationRecord.Kind.DELETE) deletion.finish(domain, op, objectTypeNames, deadline);
        else merge.finish(domain, op, objectTypeNames, deadline);
    }

    /** Finishing a recorded operation cannot be undone: a failure now is a 500 that a repeated call continues, never a 4xx. */
    private void finishRecorded(String domain, OperationRecord op, Collection<String> objectTypeNames, Deadline deadline) {
        try {
            finish(domain, op, objectTypeNames, deadline);
        } catch (ServiceException | DecideAgainException | SdkException | ProfileShards.ClosedByAnother e) {
            throw new ServiceException(ServiceException.Type.InternalServerException, (op.kind() == OperationRecord.Kind.DELETE
                    ? "The deletion of profile '" + op.main() + "'" : "The merge into profile '" + op.main() + "'")
                    + " is recorded but could not be finished in time; it is finished by a repeated call (or the next request"
                    + " that meets the profile)", e);
        }
    }

    /**
     * Whether the profiles this call finds missing were taken away by an operation it tried to record:
     * a record whose answer was lost may have landed, and another request may then have finished it
     * (their shard markers name the operation). Such a call answers 200, not 404.
     */
    private boolean finishedByOthers(String domain, List<String> missing, List<String> tried, Deadline deadline) {
        if (tried.isEmpty()) return false;
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String id : missing) wanted.add(itemKey(StoreKeys.shard(domain, id, 0)));
        List<Map<String, AttributeValue>> markers = calls.batchGet(wanted, deadline);
        if (markers.size() < missing.size()) return false;
        for (Map<String, AttributeValue> marker : markers) {
            AttributeValue by = marker.get(ProfileShards.CLOSED_BY);
            if (by == null || !tried.contains(by.s())) return false;
        }
        return true;
    }

    private Map<String, Snapshot.ProfileState> read(String domain, List<String> ids, Deadline deadline) {
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String id : ids) wanted.add(itemKey(StoreKeys.profile(domain, id)));
        Map<String, Snapshot.ProfileState> profiles = new HashMap<>();
        for (Map<String, AttributeValue> item : calls.batchGet(wanted, deadline)) {
            Snapshot.ProfileState state = ConsistentReads.profileState(ProfileItem.SCHEMA.mapToItem(item));
            profiles.put(state.profileId(), state);
        }
        return profiles;
    }

    /**
     * Records the operation on every profile it involves, in one write, each profile existing and free
     * of another record; false when one was not (nothing written: the caller reads again).
     */
    private boolean record(String domain, OperationRecord op, Deadline deadline) {
        List<TransactWriteItem> actions = new ArrayList<>();
        for (String id : op.profiles()) {
            // The main profile is listed in the domain's pending operations (a sparse index partition) until finished.
            boolean listed = id.equals(op.main());
            actions.add(TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName)
                    .key(itemKey(StoreKeys.profile(domain, id)))
                    .updateExpression(listed ? "SET #op = :op, #g = :g, #gs = :id" : "SET #op = :op")
                    .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#op)")
                    .expressionAttributeNames(listed
                            ? Map.of("#pk", ProfilesTable.PARTITION_KEY, "#op", ProfileItem.OP, "#g", ProfilesTable.INDEX_PARTITION_KEY,
                                    "#gs", ProfilesTable.INDEX_SORT_KEY)
                            : Map.of("#pk", ProfilesTable.PARTITION_KEY, "#op", ProfileItem.OP))
                    .expressionAttributeValues(listed
                            ? Map.of(":op", s(op.json()), ":g", s(StoreKeys.pendingOperations(domain)), ":id", s(id))
                            : Map.of(":op", s(op.json())))
                    .build()).build());
        }
        // A transaction even for one profile: its token makes a resend after a lost answer safe.
        try {
            calls.transact(actions, deadline);
            return true;
        } catch (DecideAgainException e) {
            // A record that may have landed is found by the next attempt's read; the request may no longer answer 4xx.
            if (e.mayHaveLanded()) throw e;
            return false;
        }
    }
}

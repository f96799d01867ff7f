package org.openprofiles.store.dynamo;

import java.time.Clock;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.store.ObjectPut;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.ingest.DeadLetters;
import org.openprofiles.store.ingest.ObjectOrder;
import org.openprofiles.store.ingest.ObjectWriter;
import org.openprofiles.store.ingest.ProfileKeyWriter;
import org.openprofiles.store.kernel.ClosedProfiles;
import org.openprofiles.store.kernel.ConsistentReads;
import org.openprofiles.store.kernel.History;
import org.openprofiles.store.kernel.KeyValueHolders;
import org.openprofiles.store.kernel.ProfileDeletion;
import org.openprofiles.store.kernel.ProfileMerge;
import org.openprofiles.store.kernel.ProfileObjectsRead;
import org.openprofiles.store.kernel.ProfileShards;
import org.openprofiles.store.kernel.ProfileSources;
import org.openprofiles.store.kernel.ProfileWriter;
import org.openprofiles.store.kernel.ReadRequest;
import org.openprofiles.store.kernel.RecordedOperations;
import org.openprofiles.store.kernel.RecordedOperations.PendingOperation;
import org.openprofiles.store.kernel.Snapshot;
import org.openprofiles.store.read.HistoryQueries;
import org.openprofiles.store.read.ProfileQueries;
import org.openprofiles.store.table.DecideAgainException;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The profile store in one DynamoDB table: built once per container, it wires the store's classes (one job each:
 * {@code kernel} keeps a profile consistent under concurrency, {@code ingest} writes puts and keys, {@code read} serves
 * the read path, {@code table} holds DynamoDB's calls and items) and runs each operation to its end: a write that must
 * decide again does so ({@link Retry}), an operation recorded on a profile it meets is finished first
 * ({@link RecordedOperations}), a closed profile a put meets is followed ({@link ClosedProfiles}).
 */
public final class DynamoProfileStore implements ProfileStore {
    private final ConsistentReads reads;
    private final ObjectWriter objects;
    private final ProfileKeyWriter keys;
    private final ProfileQueries queries;
    private final ProfileShards shards;
    private final ProfileWriter profiles;
    private final RecordedOperations operations;
    private final DeadLetters deadLetters;
    private final ProfileObjectsRead profileObjects;
    private final HistoryQueries history;
    private final ObjectOrder objectOrder;
    private final Clock clock;

    public DynamoProfileStore(DynamoDbClient dynamo, String tableName, Clock clock) {
        this(dynamo, tableName, clock, KeyValueHolders.DEFAULT_INLINE_LIMIT);
    }

    /** @param inlineHolderLimit holders a key value lists in its own item before it spills (tests lower it) */
    public DynamoProfileStore(DynamoDbClient dynamo, String tableName, Clock clock, int inlineHolderLimit) {
        DynamoCalls calls = new DynamoCalls(dynamo, tableName);
        KeyValueHolders holders = new KeyValueHolders(tableName, inlineHolderLimit);
        this.reads = new ConsistentReads(calls, clock);
        this.shards = new ProfileShards(calls, clock);
        this.objects = new ObjectWriter(calls, holders, shards, clock);
        this.keys = new ProfileKeyWriter(calls, holders, reads, shards);
        this.queries = new ProfileQueries(calls, clock);
        ProfileSources sources = new ProfileSources(calls, holders, reads, shards, clock);
        this.profiles = new ProfileWriter(sources, clock);
        this.operations = new RecordedOperations(calls, reads, new ProfileDeletion(sources), new ProfileMerge(sources), clock);
        this.deadLetters = new DeadLetters(calls);
        this.profileObjects = new ProfileObjectsRead(calls, clock);
        this.history = new HistoryQueries(calls, clock);
        this.objectOrder = new ObjectOrder(calls);
        this.clock = clock;
    }

    @Override
    public boolean putObject(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, ConfigRead config,
                             Collection<String> typeNames, PutDecision decide, Audit audit, Deadline deadline) {
        History.Change change = History.Change.of(audit, clock);
        ReadRequest read = ReadRequest.keys(domain, keys).andObject(objectTypeName, uniqueKey).andConfig(config);
        ClosedProfiles closed = new ClosedProfiles();
        return Retry.run(Retry.DECIDE_AGAIN, deadline, attempt -> {
            Snapshot seen = reads.read(read, deadline);
            ObjectPut put = decide.decide(closed.view(seen));
            if (put == null) return false;
            try {
                objects.write(put, seen, closed.standIns(), change, deadline);
            } catch (ObjectWriter.ProfileClosedException e) {
                ProfileShards.Closed state = shards.closed(domain, e.profileId(), e.shard(), deadline);
                if (state == null) throw new DecideAgainException("a value this put relied on was removed; decide again", false);
                closed.add(e.profileId(), state.mergedInto());
                // A deletion or merge whose function died is finished by the request that meets it.
                operations.finishIfAbandoned(domain, e.profileId(), state.closedAtMillis(), typeNames, deadline);
                throw new DecideAgainException("the profile was closed; decide again", false);
            }
            return true;
        });
    }

    @Override
    public void addKeys(String domain, String profileId, Set<KeyValue> values, Audit audit, Deadline deadline) {
        History.Change change = History.Change.of(audit, clock);
        Retry.run(Retry.DECIDE_AGAIN, deadline, () -> keys.addKeys(domain, profileId, values, change, deadline));
    }

    @Override
    public void createProfile(String domain, String profileId, Map<String, String> fields, Audit audit, Deadline deadline) {
        History.Change change = History.Change.of(audit, clock);
        Retry.run(Retry.DECIDE_AGAIN, deadline, () -> profiles.create(domain, profileId, fields, change, deadline));
    }

    @Override
    public void updateProfile(String domain, String profileId, Map<String, String> set, Set<String> remove, ConfigRead config,
                              Runnable afterRead, Collection<String> typeNames, Audit audit, Deadline deadline) {
        History.Change change = History.Change.of(audit, clock);
        Retry.run(Retry.DECIDE_AGAIN, deadline, () -> finishingPending(domain, typeNames, deadline,
                () -> profiles.update(domain, profileId, set, remove, config, afterRead, change, deadline)));
    }

    @Override
    public void deleteKeys(String domain, String profileId, Set<KeyValue> values, ConfigRead config, Runnable afterRead,
                           Collection<String> typeNames, Audit audit, Deadline deadline) {
        History.Change change = History.Change.of(audit, clock);
        Retry.run(Retry.DECIDE_AGAIN, deadline, () -> finishingPending(domain, typeNames, deadline,
                () -> keys.deleteKeys(domain, profileId, values, config, afterRead, change, deadline)));
    }

    @Override
    public void deleteObject(String domain, String profileId, String objectTypeName, String uniqueKey, Collection<String> typeNames,
                             Audit audit, Deadline deadline) {
        History.Change change = History.Change.of(audit, clock);
        Retry.run(Retry.DECIDE_AGAIN, deadline, () -> finishingPending(domain, typeNames, deadline,
                () -> profiles.deleteObject(domain, profileId, objectTypeName, uniqueKey, change, deadline)));
    }

    @Override
    public void deleteProfile(String domain, String profileId, Collection<String> typeNames, Deadline deadline) {
        operations.delete(domain, profileId, typeNames, deadline);
    }

    @Override
    public void mergeProfiles(String domain, String mainId, List<String> mergedIds, Map<String, String> fieldSources,
                              Collection<String> typeNames, Audit audit, Deadline deadline) {
        operations.merge(domain, mainId, mergedIds, fieldSources, typeNames, audit, deadline);
    }

    @Override
    public int finishAbandoned(String domain, Collection<String> typeNames, Deadline deadline) {
        return operations.finishAbandoned(domain, typeNames, deadline);
    }

    @Override
    public Map<KeyValue, Supplier<Iterator<String>>> holders(String domain, Collection<KeyValue> values, String after, ConfigRead config,
                                                             Deadline deadline) {
        return queries.holders(domain, values, after, config, deadline);
    }

    @Override
    public Map<String, StoredProfile> profiles(String domain, Collection<String> profileIds, ConfigRead config, Deadline deadline) {
        return queries.profiles(domain, profileIds, config, deadline);
    }

    @Override
    public ObjectPage objects(String domain, String profileId, String objectTypeName, Collection<KeyValue> anyOf, int limit,
                              String nextToken, Deadline deadline) {
        return queries.objects(domain, profileId, objectTypeName, anyOf, limit, nextToken, deadline);
    }

    @Override
    public java.util.Optional<ProfileWithObjects> profileWithObjects(String domain, String profileId, Set<String> objectTypeNames,
                                                                     ConfigRead config, Deadline deadline) {
        return profileObjects.read(domain, profileId, objectTypeNames, config, deadline);
    }

    @Override
    public HistoryPage history(String domain, String profileId, HistoryFilter filter, int limit, String nextToken, Deadline deadline) {
        return history.list(domain, profileId, filter, limit, nextToken, deadline);
    }

    @Override
    public HistoryRecord historyRecord(String domain, String profileId, String recordId, Deadline deadline) {
        return history.get(domain, profileId, recordId, deadline);
    }

    @Override
    public ReorderStep reorderObjects(String cursor, int pageSize, Deadline deadline) {
        return objectOrder.step(cursor, pageSize, deadline);
    }

    @Override
    public void setAside(DeadLetter letter, Deadline deadline) {
        deadLetters.put(letter, deadline);
    }

    /**
     * Runs a write that may meet a DeleteProfile or MergeProfiles recorded on its profile: that one is finished first
     * (whoever started it), then the write decides again.
     */
    private void finishingPending(String domain, Collection<String> typeNames, Deadline deadline, Runnable write) {
        try {
            write.run();
        } catch (PendingOperation met) {
            operations.help(domain, met.op(), typeNames, deadline);
            throw new DecideAgainException("finished an operation recorded on the profile; decide again", false);
        }
    }
}

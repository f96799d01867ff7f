package org.openprofiles.store;

import java.time.Clock;
import org.openprofiles.store.ingest.DeadLetters;
import org.openprofiles.store.ingest.KeyHolders;
import org.openprofiles.store.ingest.KeyWriter;
import org.openprofiles.store.ingest.ObjectWriter;
import org.openprofiles.store.ingest.ResolutionReader;
import org.openprofiles.store.lifecycle.LifecycleWrites;
import org.openprofiles.store.lifecycle.ProfileDeletion;
import org.openprofiles.store.lifecycle.ProfileMerge;
import org.openprofiles.store.lifecycle.ProfileOps;
import org.openprofiles.store.lifecycle.ProfileShards;
import org.openprofiles.store.lifecycle.ProfileWriter;
import org.openprofiles.store.read.ProfileQueries;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The profile aggregate in DynamoDB (profiles, the key values they hold, their objects): the one
 * class the services build for profile data. Built once per container, it wires the store's
 * classes, one job each, grouped by folder:
 * <ul>
 *   <li>{@code ingest}: {@link ResolutionReader} reads what a PutProfileObject decides on,
 *     {@link ObjectWriter} commits that decision, {@link KeyWriter} adds and deletes keys,
 *     {@link KeyHolders} is how a profile joins or leaves a key value's holders, {@link DeadLetters} keeps the stream
 *     records that can never be stored;</li>
 *   <li>{@code lifecycle}: {@link ProfileWriter} (CreateProfile, UpdateProfile, DeleteProfileObject),
 *     {@link ProfileOps} (DeleteProfile and MergeProfiles, finished by {@link ProfileDeletion} and
 *     {@link ProfileMerge}), {@link ProfileShards} (where puts and removals meet);</li>
 *   <li>{@code read}: {@link ProfileQueries}, the read path;</li>
 *   <li>{@code table}: the items, key formats ({@link StoreKeys}), DynamoDB's limits and errors
 *     ({@link DynamoCalls});</li>
 *   <li>{@code config}: the configuration ({@link org.openprofiles.store.config.ConfigStore}) and
 *     erasure ({@link org.openprofiles.store.config.DataEraser}), used beside this class.</li>
 * </ul>
 */
public final class ProfileStore {
    private final ResolutionReader reader;
    private final ObjectWriter objects;
    private final KeyWriter keys;
    private final ProfileQueries queries;
    private final ProfileShards shards;
    private final ProfileWriter profiles;
    private final ProfileOps ops;
    private final DeadLetters deadLetters;

    public ProfileStore(DynamoDbClient dynamo, String tableName, Clock clock) {
        this(dynamo, tableName, clock, KeyHolders.DEFAULT_INLINE_LIMIT);
    }

    /** @param inlineHolderLimit holders a key value lists in its own item before it spills (tests lower it) */
    public ProfileStore(DynamoDbClient dynamo, String tableName, Clock clock, int inlineHolderLimit) {
        DynamoCalls calls = new DynamoCalls(dynamo, tableName);
        KeyHolders holders = new KeyHolders(tableName, inlineHolderLimit);
        this.reader = new ResolutionReader(calls, clock);
        this.shards = new ProfileShards(calls, clock);
        this.objects = new ObjectWriter(calls, holders, shards, clock);
        this.keys = new KeyWriter(calls, holders, reader, shards);
        this.queries = new ProfileQueries(calls, clock);
        LifecycleWrites lifecycle = new LifecycleWrites(calls, holders, reader, shards, clock);
        this.profiles = new ProfileWriter(lifecycle, clock);
        this.ops = new ProfileOps(calls, reader, new ProfileDeletion(lifecycle), new ProfileMerge(lifecycle), clock);
        this.deadLetters = new DeadLetters(calls);
    }

    public ResolutionReader reader() { return reader; }

    public ObjectWriter objects() { return objects; }

    public KeyWriter keys() { return keys; }

    public ProfileQueries queries() { return queries; }

    /** CreateProfile, UpdateProfile, DeleteProfileObject. */
    public ProfileWriter profiles() { return profiles; }

    /** DeleteProfile, MergeProfiles, and finishing them wherever they stopped. */
    public ProfileOps ops() { return ops; }

    /** Stream records set aside because they can never be stored. */
    public DeadLetters deadLetters() { return deadLetters; }

    /** What the shard that refused a put says: closed (deleted or merged), or null (open: the put decides again). */
    public ProfileShards.Closed closedState(String domain, String profileId, int shard, org.openprofiles.model.Deadline deadline) {
        return shards.closed(domain, profileId, shard, deadline);
    }
}

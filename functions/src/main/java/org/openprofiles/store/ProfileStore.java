package org.openprofiles.store;

import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The profile aggregate in DynamoDB (profiles, the key values they hold, their objects), one
 * class per job: {@link ResolutionReader} reads what a PutProfileObject decides on,
 * {@link ObjectWriter} commits that decision, {@link KeyWriter} adds keys, {@link ProfileQueries}
 * serves the read path. Key formats live in {@link StoreKeys}, DynamoDB's limits and errors in
 * {@code DynamoCalls}. Built once per container.
 */
public final class ProfileStore {
    private final ResolutionReader reader;
    private final ObjectWriter objects;
    private final KeyWriter keys;
    private final ProfileQueries queries;
    private final Gates gates;
    private final ProfileWriter profiles;
    private final ProfileEraser eraser;
    private final ProfileMerger merger;

    public ProfileStore(DynamoDbClient dynamo, String tableName, Clock clock) {
        this(dynamo, tableName, clock, KeyHolders.DEFAULT_INLINE_LIMIT);
    }

    /** @param inlineHolderLimit holders a key value lists in its own item before it spills (tests lower it) */
    public ProfileStore(DynamoDbClient dynamo, String tableName, Clock clock, int inlineHolderLimit) {
        DynamoCalls calls = new DynamoCalls(dynamo, tableName);
        KeyHolders holders = new KeyHolders(tableName, inlineHolderLimit);
        this.reader = new ResolutionReader(calls, clock);
        this.gates = new Gates(calls, clock);
        Membership membership = new Membership(calls, clock);
        this.objects = new ObjectWriter(calls, holders, gates, membership, clock);
        this.keys = new KeyWriter(calls, holders, reader, gates);
        this.queries = new ProfileQueries(calls, clock);
        LifecycleWrites lifecycle = new LifecycleWrites(calls, holders, reader, membership);
        ProfileFence fence = new ProfileFence(calls, gates, clock);
        this.profiles = new ProfileWriter(lifecycle, gates, fence, clock);
        this.eraser = new ProfileEraser(lifecycle, gates, membership, fence);
        this.merger = new ProfileMerger(lifecycle, gates, fence);
    }

    public ResolutionReader reader() { return reader; }

    public ObjectWriter objects() { return objects; }

    public KeyWriter keys() { return keys; }

    public ProfileQueries queries() { return queries; }

    /** CreateProfile, UpdateProfile, DeleteProfileObject. */
    public ProfileWriter profiles() { return profiles; }

    /** DeleteProfile. */
    public ProfileEraser eraser() { return eraser; }

    /** MergeProfiles. */
    public ProfileMerger merger() { return merger; }

    /** Whether a profile is closed (deleted or merged: see {@link Gates}); null while open. */
    public Gates.Closed closedState(String domain, String profileId, org.openprofiles.model.Deadline deadline) {
        return gates.state(domain, profileId, deadline);
    }
}

package org.openprofiles.store.lifecycle;

/**
 * A request met a DeleteProfile or MergeProfiles recorded on a profile it works on: nothing was
 * written; the caller finishes that operation ({@link ProfileOps#help}) and decides again.
 */
public final class PendingOperation extends RuntimeException {
    private final ProfileOp op;

    public PendingOperation(ProfileOp op) {
        super("a recorded operation is not finished", null, false, false);
        this.op = op;
    }

    public ProfileOp op() {
        return op;
    }
}

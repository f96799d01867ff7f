package org.openprofiles.store.table;

/**
 * A write did not land as decided: what it was decided on changed (another request won a race), another transaction
 * held one of its items, or DynamoDB throttled it. The caller reads again and decides again ({@link Retry}).
 * {@link #mayHaveLanded()}: an earlier attempt of it may have committed with its answer lost, so the request may no
 * longer answer as if nothing was written (a 4xx or 429): it finds out by deciding again, or answers 500.
 */
public final class DecideAgainException extends RuntimeException {
    /** Why the write did not land. */
    public enum Reason {
        /** Another request changed what the write was decided on, or held one of its items. */
        CONFLICT,
        /** DynamoDB throttled the write, or left items of a batch unprocessed. */
        THROTTLED,
        /** Only shards the write adds to were held by other transactions: the same write may go to other shards at once. */
        SHARDS_HELD
    }

    private final Reason reason;
    private final boolean mayHaveLanded;

    public DecideAgainException(String message, boolean throttled) {
        this(throttled ? Reason.THROTTLED : Reason.CONFLICT, message, false);
    }

    public DecideAgainException(Reason reason, String message, boolean mayHaveLanded) {
        super(message, null, false, false);
        this.reason = reason;
        this.mayHaveLanded = mayHaveLanded;
    }

    public Reason reason() {
        return reason;
    }

    /** DynamoDB throttled the write (rather than another request winning a race). */
    public boolean throttled() {
        return reason == Reason.THROTTLED;
    }

    /** An earlier attempt of this write may have committed (its answer was lost). */
    public boolean mayHaveLanded() {
        return mayHaveLanded;
    }
}

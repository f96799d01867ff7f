package org.openprofiles.store.table;

/**
 * A write did not land and wrote nothing: what it was decided on has changed (another request won
 * a race), another transaction held one of its items, or DynamoDB throttled it. The caller backs
 * off, reads again and decides again.
 */
public final class WriteConflictException extends RuntimeException {
    private final boolean throttled;

    public WriteConflictException(String message, boolean throttled) {
        super(message, null, false, false);
        this.throttled = throttled;
    }

    /** DynamoDB throttled the write (rather than another request winning a race). */
    public boolean throttled() {
        return throttled;
    }
}

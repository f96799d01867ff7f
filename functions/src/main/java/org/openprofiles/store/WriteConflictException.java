package org.openprofiles.store;

/**
 * A conditional write found that what it was decided on has changed (another request won a race).
 * The caller reads again and decides again.
 */
public final class WriteConflictException extends RuntimeException {
    public WriteConflictException(String message) {
        super(message, null, false, false);
    }
}

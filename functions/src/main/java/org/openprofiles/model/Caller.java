package org.openprofiles.model;

import java.util.function.Supplier;

/**
 * Who the request in progress acts for: the identity a profile history record names as PerformedBy. Set once at the
 * edge, around the whole request (the API Gateway request context's caller, the contact-record consumer's own
 * principal), and read by the services when they ask the store for a change; like the request id, it is the request's
 * metadata, not an argument of each business call.
 */
public final class Caller {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private Caller() {}

    /** The identity of the request running on this thread, or null (none known). */
    public static String current() {
        return CURRENT.get();
    }

    /** Runs {@code call} as {@code performedBy} (null: unknown), restoring what was set before. */
    public static <T> T as(String performedBy, Supplier<T> call) {
        String before = CURRENT.get();
        CURRENT.set(performedBy == null || performedBy.isEmpty() ? null : performedBy);
        try {
            return call.get();
        } finally {
            if (before == null) CURRENT.remove();
            else CURRENT.set(before);
        }
    }
}

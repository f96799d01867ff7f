package org.openprofiles.store.config;

/**
 * A deleted domain's or object type's tombstone: when its erasure may start, and how far it got.
 *
 * @param deletedAt epoch seconds, as {@code notBefore}
 * @param cursor    the key the next erasure step starts from, or null before the first step
 * @param erased    items erased so far
 */
public record Erasure(long deletedAt, long notBefore, String cursor, long erased) {}

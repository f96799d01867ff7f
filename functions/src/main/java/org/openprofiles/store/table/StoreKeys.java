package org.openprofiles.store.table;

import org.openprofiles.model.KeyValue;

/**
 * Every partition key format of the table, in one place (docs/data-model.md). Domain, object type
 * and key names never contain '#', and profile ids are 32 hex characters, so each format parses
 * one way and no two items of different kinds or owners share a key.
 */
public final class StoreKeys {
    private StoreKeys() {}

    /** Every item of a domain's profiles, key values and objects starts with this (a deleted domain's erasure). */
    public static String domain(String domain) { return "D#" + domain + "#"; }

    public static String profile(String domain, String profileId) { return "D#" + domain + "#P#" + profileId; }

    /**
     * One of a profile's shards ({@link org.openprofiles.store.kernel.ProfileShards}): its membership, the count that removals
     * condition on, and the close mark of DeleteProfile and MergeProfiles.
     */
    public static String shard(String domain, String profileId, int shard) { return shardPrefix(domain, profileId) + shard; }

    /** What every shard key of the profile starts with. */
    public static String shardPrefix(String domain, String profileId) { return "D#" + domain + "#S#" + profileId + "#"; }

    /** The index of the shard a shard key names. */
    public static int shardIndex(String shardKey) { return Integer.parseInt(shardKey.substring(shardKey.lastIndexOf('#') + 1)); }

    /** Another shard of the same profile as the shard key given. */
    public static String otherShard(String shardKey, int shard) { return shardKey.substring(0, shardKey.lastIndexOf('#') + 1) + shard; }

    /** An object as a profile's shard lists it: "type#uniqueKey" (the unique key is hex: no '#'). */
    public static String member(String objectTypeName, String uniqueKey) { return objectTypeName + "#" + uniqueKey; }

    /** A key value an object brought its profile, as a profile's shard lists it: "type#uniqueKey#keyName#value". */
    public static String claim(String objectTypeName, String uniqueKey, KeyValue key) {
        return member(objectTypeName, uniqueKey) + "#" + keyValueEntry(key);
    }

    /** Parses a key value entry ("keyName#value") back into a key value. */
    public static KeyValue parseKeyValueEntry(String entry) {
        int hash = entry.indexOf('#');
        return new KeyValue(entry.substring(0, hash), entry.substring(hash + 1));
    }

    public static String keyValue(String domain, KeyValue key) { return "D#" + domain + "#K#" + key.keyName() + "#" + key.value(); }

    /**
     * One holder of a key value held by too many profiles to list in the value's own item. The
     * profile id closes the key (fixed length), so value and holder never run into each other.
     */
    public static String holder(String domain, KeyValue key, String profileId) { return keyValue(domain, key) + "#H#" + profileId; }

    public static String object(String domain, String objectTypeName, String uniqueKey) {
        return "D#" + domain + "#O#" + objectTypeName + "#" + uniqueKey;
    }

    /** Index partition of a profile's objects of one type. */
    public static String profileObjects(String domain, String profileId, String objectTypeName) {
        return profile(domain, profileId) + "#T#" + objectTypeName;
    }

    /**
     * A profile history record, under its own id (32 hex, unique per record): no two writes ever share a history item,
     * so recording history adds no hot item. The profile it belongs to is an attribute (a merge re-points it).
     */
    public static String historyRecord(String domain, String recordId) { return "D#" + domain + "#H#" + recordId; }

    /** Index partition of a profile's history records (sort key: {@link #newestFirst}). */
    public static String profileHistory(String domain, String profileId) { return profile(domain, profileId) + "#H"; }

    /** Larger than any epoch millisecond this table will see (year 2286): what {@link #newestFirst} counts down from. */
    private static final long LAST_MILLIS = 9_999_999_999_999L;

    /**
     * The index sort key that lists a partition newest first: {@code -<13 digits: LAST_MILLIS - written at>#<id>}, so
     * an ascending Query returns the most recently written item first, and two items written in the same millisecond
     * in the order of their ids. The leading '-' sorts before every hex digit: the sort keys of objects written by
     * earlier versions (the bare unique key) come after every object written or rewritten since, and keep working.
     */
    public static String newestFirst(long writtenAtMillis, String id) {
        return writtenBy(writtenAtMillis) + "#" + id;
    }

    /** The least {@link #newestFirst} sort key of an item written at or before {@code millis}: a Query from it skips later ones. */
    public static String writtenBy(long millis) {
        return "-" + String.format("%013d", LAST_MILLIS - millis);
    }

    /** When the object was last written (epoch ms), from a {@link #newestFirst} sort key; null for one of earlier versions. */
    public static Long writtenAtMillis(String objectSortKey) {
        return unordered(objectSortKey) ? null : LAST_MILLIS - Long.parseLong(objectSortKey.substring(1, 14));
    }

    /** Whether an index sort key of an object is in the format of earlier versions (the bare unique key). */
    public static boolean unordered(String objectSortKey) { return !objectSortKey.startsWith("-"); }

    /** Index partition listing the profiles that carry a DeleteProfile or MergeProfiles not yet finished (their main profile). */
    public static String pendingOperations(String domain) { return "D#" + domain + "#OPS"; }

    /** Index partition of the objects of one type that matched no profile. */
    public static String unattachedObjects(String domain, String objectTypeName) {
        return "D#" + domain + "#U#" + objectTypeName;
    }

    /**
     * A stream record set aside because it can never be stored (its content and the reason). The record id (stream,
     * shard, sequence number) makes a redelivered record land on the same item.
     */
    public static String deadLetter(String domain, String recordId) { return deadLetters(domain) + "#" + recordId; }

    /** Index partition of a domain's dead letters (sort key: when set aside, then the record id). */
    public static String deadLetters(String domain) { return "D#" + domain + "#DL"; }

    /** Index partition of the holders of a spilled key value (sort key: the profile id). */
    public static String holders(String domain, KeyValue key) { return keyValue(domain, key); }

    /** What an item of the change stream is to the event streams' exporter: a profile, a profile object, or neither. */
    public enum Kind { PROFILE, OBJECT, OTHER }

    private static final java.util.regex.Pattern PROFILE_PK = java.util.regex.Pattern.compile("^D#([^#]+)#P#[a-f0-9]{32}$");
    private static final java.util.regex.Pattern OBJECT_PK = java.util.regex.Pattern.compile("^D#([^#]+)#O#[^#]+#[^#]+$");

    /** The kind of item a partition key names (the formats of {@link #profile} and {@link #object}). */
    public static Kind kind(String pk) {
        if (PROFILE_PK.matcher(pk).matches()) return Kind.PROFILE;
        if (OBJECT_PK.matcher(pk).matches()) return Kind.OBJECT;
        return Kind.OTHER;
    }

    /** The domain of a profile's or an object's partition key ({@link #kind} not OTHER). */
    public static String domainOf(String pk) {
        return pk.substring(2, pk.indexOf('#', 2));
    }

    /** A key value as an item lists it in a string set ("keyName#value"; the first '#' ends the name). */
    public static String keyValueEntry(KeyValue key) { return key.keyName() + "#" + key.value(); }
}

package org.openprofiles.store.table;

import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * A standard profile. Its fields live in one map keyed by the path below {@code _profile.}
 * ({@code FirstName}, {@code Address.City}, {@code Attributes.age}), so an ingestion can set
 * single entries with an update expression without reading the profile first.
 */
public record ProfileItem(String pk, String profileId, long createdAt, long updatedAt, Map<String, String> fields,
                   Map<String, String> manual, Set<String> manualKeys, Set<String> retainedKeys, long version, String op) {

    public static final String PROFILE_ID = "profileId";
    public static final String FIELDS = "fields";
    /** Fields set by CreateProfile/UpdateProfile: ingestion writes {@link #FIELDS} only, so it never overwrites these. */
    public static final String MANUAL = "manual";
    /** Key values added by AddProfileKey (in {@link StoreKeys#keyValueEntry} form): a source of the value. */
    public static final String MANUAL_KEYS = "manualKeys";
    /** Key values brought by objects that later moved to another profile: still held here, listed so erasure finds them. */
    public static final String RETAINED_KEYS = "retainedKeys";
    /** +1 on every write of the item by this service's profile writes; UpdateProfile and merges condition on it. */
    public static final String VERSION = "version";
    /**
     * A DeleteProfile or MergeProfiles recorded on the profile and not yet finished ({@link OperationRecord}, as JSON).
     * From then on readers no longer see a profile it removes: the record is the operation's commit point.
     */
    public static final String OP = "op";

    public ProfileItem(String pk, String profileId, long createdAt, long updatedAt, Map<String, String> fields) {
        this(pk, profileId, createdAt, updatedAt, fields, Map.of(), Set.of(), Set.of(), 0, null);
    }

    /** The profile as the API shows it: ingested fields, overridden by manual ones. */
    public Map<String, String> effectiveFields() {
        Map<String, String> all = new java.util.HashMap<>(fields);
        all.putAll(manual);
        return all;
    }

    /**
     * A profile item's fields as readers return them (BatchGetProfile, SearchProfiles): ingested fields overridden by
     * manual ones, or null once a recorded DeleteProfile or MergeProfiles removes it. Read straight from the item: its sets of key values, which can
     * hold thousands, are not converted as {@link #SCHEMA} would.
     */
    public static Map<String, String> readableFields(Map<String, AttributeValue> item) {
        AttributeValue op = item.get(OP);
        if (op != null && op.s() != null && OperationRecord.parse(op.s()).removes(item.get(PROFILE_ID).s())) return null;
        Map<String, String> all = new java.util.HashMap<>();
        putStrings(item.get(FIELDS), all);
        putStrings(item.get(MANUAL), all);
        return all;
    }

    private static void putStrings(AttributeValue map, Map<String, String> into) {
        if (map == null || !map.hasM()) return;
        map.m().forEach((name, value) -> into.put(name, value.s()));
    }

    public static final StaticImmutableTableSchema<ProfileItem, Builder> SCHEMA =
            StaticImmutableTableSchema.builder(ProfileItem.class, Builder.class)
                    .newItemBuilder(Builder::new, Builder::build)
                    .addAttribute(String.class, a -> a.name(ProfilesTable.PARTITION_KEY).getter(ProfileItem::pk)
                            .setter(Builder::pk).tags(StaticAttributeTags.primaryPartitionKey()))
                    .addAttribute(String.class, a -> a.name(PROFILE_ID).getter(ProfileItem::profileId).setter(Builder::profileId))
                    .addAttribute(Long.class, a -> a.name("createdAt").getter(ProfileItem::createdAt).setter(Builder::createdAt))
                    .addAttribute(Long.class, a -> a.name("updatedAt").getter(ProfileItem::updatedAt).setter(Builder::updatedAt))
                    .addAttribute(EnhancedType.mapOf(String.class, String.class),
                            a -> a.name(FIELDS).getter(ProfileItem::fields).setter(Builder::fields))
                    .addAttribute(EnhancedType.mapOf(String.class, String.class),
                            a -> a.name(MANUAL).getter(p -> p.manual().isEmpty() ? null : p.manual()).setter(Builder::manual))
                    .addAttribute(EnhancedType.setOf(String.class),
                            a -> a.name(MANUAL_KEYS).getter(p -> p.manualKeys().isEmpty() ? null : p.manualKeys()).setter(Builder::manualKeys))
                    .addAttribute(EnhancedType.setOf(String.class),
                            a -> a.name(RETAINED_KEYS).getter(p -> p.retainedKeys().isEmpty() ? null : p.retainedKeys()).setter(Builder::retainedKeys))
                    .addAttribute(Long.class, a -> a.name(VERSION).getter(ProfileItem::version).setter(Builder::version))
                    .addAttribute(String.class, a -> a.name(OP).getter(ProfileItem::op).setter(Builder::op))
                    .build();

    static final class Builder {
        private String pk;
        private String profileId;
        private long createdAt;
        private long updatedAt;
        private Map<String, String> fields = Map.of();
        private Map<String, String> manual = Map.of();
        private Set<String> manualKeys = Set.of();
        private Set<String> retainedKeys = Set.of();
        private long version;
        private String op;

        void pk(String v) { pk = v; }
        void profileId(String v) { profileId = v; }
        void createdAt(Long v) { createdAt = v == null ? 0 : v; }
        void updatedAt(Long v) { updatedAt = v == null ? 0 : v; }
        void fields(Map<String, String> v) { fields = v == null ? Map.of() : v; }
        void manual(Map<String, String> v) { manual = v == null ? Map.of() : v; }
        void manualKeys(Set<String> v) { manualKeys = v == null ? Set.of() : v; }
        void retainedKeys(Set<String> v) { retainedKeys = v == null ? Set.of() : v; }
        void version(Long v) { version = v == null ? 0 : v; }
        void op(String v) { op = v; }
        ProfileItem build() {
            return new ProfileItem(pk, profileId, createdAt, updatedAt, Map.copyOf(fields), Map.copyOf(manual),
                    Set.copyOf(manualKeys), Set.copyOf(retainedKeys), version, op);
        }
    }
}

package org.openprofiles.store;

import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * A standard profile. Its fields live in one map keyed by the path below {@code _profile.}
 * ({@code FirstName}, {@code Address.City}, {@code Attributes.age}), so an ingestion can set
 * single entries with an update expression without reading the profile first.
 */
record ProfileItem(String pk, String profileId, long createdAt, long updatedAt, Map<String, String> fields) {

    static final String FIELDS = "fields";

    static final StaticImmutableTableSchema<ProfileItem, Builder> SCHEMA =
            StaticImmutableTableSchema.builder(ProfileItem.class, Builder.class)
                    .newItemBuilder(Builder::new, Builder::build)
                    .addAttribute(String.class, a -> a.name(ProfilesTable.PARTITION_KEY).getter(ProfileItem::pk)
                            .setter(Builder::pk).tags(StaticAttributeTags.primaryPartitionKey()))
                    .addAttribute(String.class, a -> a.name("profileId").getter(ProfileItem::profileId).setter(Builder::profileId))
                    .addAttribute(Long.class, a -> a.name("createdAt").getter(ProfileItem::createdAt).setter(Builder::createdAt))
                    .addAttribute(Long.class, a -> a.name("updatedAt").getter(ProfileItem::updatedAt).setter(Builder::updatedAt))
                    .addAttribute(EnhancedType.mapOf(String.class, String.class),
                            a -> a.name(FIELDS).getter(ProfileItem::fields).setter(Builder::fields))
                    .build();

    static final class Builder {
        private String pk;
        private String profileId;
        private long createdAt;
        private long updatedAt;
        private Map<String, String> fields = Map.of();

        void pk(String v) { pk = v; }
        void profileId(String v) { profileId = v; }
        void createdAt(Long v) { createdAt = v == null ? 0 : v; }
        void updatedAt(Long v) { updatedAt = v == null ? 0 : v; }
        void fields(Map<String, String> v) { fields = v == null ? Map.of() : v; }
        ProfileItem build() { return new ProfileItem(pk, profileId, createdAt, updatedAt, Map.copyOf(fields)); }
    }
}

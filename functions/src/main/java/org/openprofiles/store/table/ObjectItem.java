package org.openprofiles.store.table;

import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * A profile object, stored once under its unique key. {@code profileId} is null for an object
 * that matched no profile where creation is not allowed; the index keys place it either under its
 * profile or in the type's unattached list.
 *
 * @param sourceUpdatedAt when the source last changed the object (a contact record's LastUpdateTimestamp, epoch
 *                        milliseconds): a copy not newer than this one is never written over it; null for an object
 *                        put without one (PutProfileObject), which any later put replaces
 * @param endRecord       the id of the history record that ends this object on its profile: EXPIRED, dated at the
 *                        expiry, until a DeleteProfileObject records itself under the same id; null for an unattached
 *                        object and for one stored by a version without it
 */
public record ObjectItem(String pk, String objectTypeName, String uniqueKey, String profileId, String object,
                  Set<String> objectKeys, Set<String> profileKeys, long updatedAt, Long expiresAt, String gsi1pk, String gsi1sk,
                  Long sourceUpdatedAt, String endRecord) {
    public static final String SOURCE_UPDATED_AT = "sourceUpdatedAt";
    public static final String END_RECORD = "endRecord";

    public static final StaticImmutableTableSchema<ObjectItem, Builder> SCHEMA =
            StaticImmutableTableSchema.builder(ObjectItem.class, Builder.class)
                    .newItemBuilder(Builder::new, Builder::build)
                    .addAttribute(String.class, a -> a.name(ProfilesTable.PARTITION_KEY).getter(ObjectItem::pk)
                            .setter(Builder::pk).tags(StaticAttributeTags.primaryPartitionKey()))
                    .addAttribute(String.class, a -> a.name("objectTypeName").getter(ObjectItem::objectTypeName).setter(Builder::objectTypeName))
                    .addAttribute(String.class, a -> a.name("uniqueKey").getter(ObjectItem::uniqueKey).setter(Builder::uniqueKey))
                    .addAttribute(String.class, a -> a.name("profileId").getter(ObjectItem::profileId).setter(Builder::profileId))
                    .addAttribute(String.class, a -> a.name("object").getter(ObjectItem::object).setter(Builder::object))
                    .addAttribute(EnhancedType.setOf(String.class),
                            a -> a.name("objectKeys").getter(ObjectItem::objectKeys).setter(Builder::objectKeys))
                    .addAttribute(EnhancedType.setOf(String.class),
                            a -> a.name("profileKeys").getter(o -> o.profileKeys().isEmpty() ? null : o.profileKeys()).setter(Builder::profileKeys))
                    .addAttribute(Long.class, a -> a.name("updatedAt").getter(ObjectItem::updatedAt).setter(Builder::updatedAt))
                    .addAttribute(Long.class, a -> a.name(ProfilesTable.TTL_ATTRIBUTE).getter(ObjectItem::expiresAt).setter(Builder::expiresAt))
                    .addAttribute(String.class, a -> a.name(ProfilesTable.INDEX_PARTITION_KEY).getter(ObjectItem::gsi1pk)
                            .setter(Builder::gsi1pk).tags(StaticAttributeTags.secondaryPartitionKey(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)))
                    .addAttribute(String.class, a -> a.name(ProfilesTable.INDEX_SORT_KEY).getter(ObjectItem::gsi1sk)
                            .setter(Builder::gsi1sk).tags(StaticAttributeTags.secondarySortKey(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)))
                    .addAttribute(Long.class, a -> a.name(SOURCE_UPDATED_AT).getter(ObjectItem::sourceUpdatedAt).setter(Builder::sourceUpdatedAt))
                    .addAttribute(String.class, a -> a.name(END_RECORD).getter(ObjectItem::endRecord).setter(Builder::endRecord))
                    .build();

    /** Past its expiry: gone for the API even before DynamoDB's TTL deletes it (which can take days). */
    public boolean expiredAt(long epochSecond) {
        return expiresAt != null && expiresAt <= epochSecond;
    }

    static final class Builder {
        private String pk;
        private String objectTypeName;
        private String uniqueKey;
        private String profileId;
        private String object;
        private Set<String> objectKeys = Set.of();
        private Set<String> profileKeys = Set.of();
        private long updatedAt;
        private Long expiresAt;
        private String gsi1pk;
        private String gsi1sk;
        private Long sourceUpdatedAt;
        private String endRecord;

        void pk(String v) { pk = v; }
        void objectTypeName(String v) { objectTypeName = v; }
        void uniqueKey(String v) { uniqueKey = v; }
        void profileId(String v) { profileId = v; }
        void object(String v) { object = v; }
        void objectKeys(Set<String> v) { objectKeys = v == null ? Set.of() : v; }
        void profileKeys(Set<String> v) { profileKeys = v == null ? Set.of() : v; }
        void updatedAt(Long v) { updatedAt = v == null ? 0 : v; }
        void expiresAt(Long v) { expiresAt = v; }
        void gsi1pk(String v) { gsi1pk = v; }
        void gsi1sk(String v) { gsi1sk = v; }
        void sourceUpdatedAt(Long v) { sourceUpdatedAt = v; }
        void endRecord(String v) { endRecord = v; }
        ObjectItem build() {
            return new ObjectItem(pk, objectTypeName, uniqueKey, profileId, object, Set.copyOf(objectKeys),
                    Set.copyOf(profileKeys), updatedAt, expiresAt, gsi1pk, gsi1sk, sourceUpdatedAt, endRecord);
        }
    }
}

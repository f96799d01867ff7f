package org.openprofiles.store.table;

import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * One profile holding a spilled key value. Written without a condition (adding a holder twice is
 * the same item), listed in profile-id order through the index for SearchProfiles.
 */
public record HolderItem(String pk, String keyName, String keyValue, String profileId, String gsi1pk, String gsi1sk) {

    public static final StaticImmutableTableSchema<HolderItem, Builder> SCHEMA =
            StaticImmutableTableSchema.builder(HolderItem.class, Builder.class)
                    .newItemBuilder(Builder::new, Builder::build)
                    .addAttribute(String.class, a -> a.name(ProfilesTable.PARTITION_KEY).getter(HolderItem::pk)
                            .setter(Builder::pk).tags(StaticAttributeTags.primaryPartitionKey()))
                    .addAttribute(String.class, a -> a.name("keyName").getter(HolderItem::keyName).setter(Builder::keyName))
                    .addAttribute(String.class, a -> a.name("keyValue").getter(HolderItem::keyValue).setter(Builder::keyValue))
                    .addAttribute(String.class, a -> a.name("profileId").getter(HolderItem::profileId).setter(Builder::profileId))
                    .addAttribute(String.class, a -> a.name(ProfilesTable.INDEX_PARTITION_KEY).getter(HolderItem::gsi1pk)
                            .setter(Builder::gsi1pk).tags(StaticAttributeTags.secondaryPartitionKey(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)))
                    .addAttribute(String.class, a -> a.name(ProfilesTable.INDEX_SORT_KEY).getter(HolderItem::gsi1sk)
                            .setter(Builder::gsi1sk).tags(StaticAttributeTags.secondarySortKey(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)))
                    .build();

    static final class Builder {
        private String pk;
        private String keyName;
        private String keyValue;
        private String profileId;
        private String gsi1pk;
        private String gsi1sk;

        void pk(String v) { pk = v; }
        void keyName(String v) { keyName = v; }
        void keyValue(String v) { keyValue = v; }
        void profileId(String v) { profileId = v; }
        void gsi1pk(String v) { gsi1pk = v; }
        void gsi1sk(String v) { gsi1sk = v; }
        HolderItem build() { return new HolderItem(pk, keyName, keyValue, profileId, gsi1pk, gsi1sk); }
    }
}

package org.openprofiles.store;

import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * One key value and the profiles holding it. The single item per value is the guard that makes
 * resolution race-free: every write that depends on it is conditioned on the {@code rev} it read.
 */
record KeyItem(String pk, String keyName, String keyValue, Set<String> profileIds, long rev) {

    static final StaticImmutableTableSchema<KeyItem, Builder> SCHEMA =
            StaticImmutableTableSchema.builder(KeyItem.class, Builder.class)
                    .newItemBuilder(Builder::new, Builder::build)
                    .addAttribute(String.class, a -> a.name(ProfilesTable.PARTITION_KEY).getter(KeyItem::pk)
                            .setter(Builder::pk).tags(StaticAttributeTags.primaryPartitionKey()))
                    .addAttribute(String.class, a -> a.name("keyName").getter(KeyItem::keyName).setter(Builder::keyName))
                    .addAttribute(String.class, a -> a.name("keyValue").getter(KeyItem::keyValue).setter(Builder::keyValue))
                    .addAttribute(EnhancedType.setOf(String.class),
                            a -> a.name("profileIds").getter(KeyItem::profileIds).setter(Builder::profileIds))
                    .addAttribute(Long.class, a -> a.name("rev").getter(KeyItem::rev).setter(Builder::rev))
                    .build();

    static final class Builder {
        private String pk;
        private String keyName;
        private String keyValue;
        private Set<String> profileIds = Set.of();
        private long rev;

        void pk(String v) { pk = v; }
        void keyName(String v) { keyName = v; }
        void keyValue(String v) { keyValue = v; }
        void profileIds(Set<String> v) { profileIds = v == null ? Set.of() : v; }
        void rev(Long v) { rev = v == null ? 0 : v; }
        KeyItem build() { return new KeyItem(pk, keyName, keyValue, Set.copyOf(profileIds), rev); }
    }
}

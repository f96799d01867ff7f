package org.openprofiles.store.table;

import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * One key value and the profiles holding it. Every write that changes the holders is conditioned
 * on the {@code rev} it read, so two requests never both create a profile for one new value.
 * A value held by more profiles than fit comfortably in one item is {@code spilled}: its holders
 * become {@link HolderItem}s, and the value stays ambiguous for good (see docs/data-model.md).
 *
 * @param profileIds the holders, or null once spilled (DynamoDB refuses empty sets)
 * @param born       random, set when the item is created: a value deleted and created again is another
 *                   incarnation, whose {@code rev} starts again (a removal recorded on a profile's shards
 *                   names the incarnation and revision it removed, see {@link org.openprofiles.store.kernel.ProfileShards})
 */
public record KeyItem(String pk, String keyName, String keyValue, Set<String> profileIds, long rev, boolean spilled, String born) {

    public static final String BORN = "born";

    public static final StaticImmutableTableSchema<KeyItem, Builder> SCHEMA =
            StaticImmutableTableSchema.builder(KeyItem.class, Builder.class)
                    .newItemBuilder(Builder::new, Builder::build)
                    .addAttribute(String.class, a -> a.name(ProfilesTable.PARTITION_KEY).getter(KeyItem::pk)
                            .setter(Builder::pk).tags(StaticAttributeTags.primaryPartitionKey()))
                    .addAttribute(String.class, a -> a.name("keyName").getter(KeyItem::keyName).setter(Builder::keyName))
                    .addAttribute(String.class, a -> a.name("keyValue").getter(KeyItem::keyValue).setter(Builder::keyValue))
                    .addAttribute(EnhancedType.setOf(String.class),
                            a -> a.name("profileIds").getter(KeyItem::profileIds).setter(Builder::profileIds))
                    .addAttribute(Long.class, a -> a.name("rev").getter(KeyItem::rev).setter(Builder::rev))
                    .addAttribute(Boolean.class, a -> a.name("spilled").getter(k -> k.spilled() ? Boolean.TRUE : null)
                            .setter(Builder::spilled))
                    .addAttribute(String.class, a -> a.name(BORN).getter(k -> k.born().isEmpty() ? null : k.born()).setter(Builder::born))
                    .build();


    static final class Builder {
        private String pk;
        private String keyName;
        private String keyValue;
        private Set<String> profileIds = Set.of();
        private long rev;
        private boolean spilled;
        private String born;

        void pk(String v) { pk = v; }
        void keyName(String v) { keyName = v; }
        void keyValue(String v) { keyValue = v; }
        void profileIds(Set<String> v) { profileIds = v == null ? Set.of() : v; }
        void rev(Long v) { rev = v == null ? 0 : v; }
        void spilled(Boolean v) { spilled = Boolean.TRUE.equals(v); }
        void born(String v) { born = v == null ? "" : v; }
        KeyItem build() { return new KeyItem(pk, keyName, keyValue, Set.copyOf(profileIds), rev, spilled, born == null ? "" : born); }
    }
}

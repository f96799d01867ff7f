package org.openprofiles.resolution;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.openprofiles.mapping.EvaluatedKey;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.StandardIdentifier;

/**
 * Profile resolution and the choice of keys a profile keeps. Pure: the
 * caller supplies who holds each key value, read consistently before the decision.
 */
public final class Resolver {
    private Resolver() {}

    /**
     * The key values resolution consults, in the order it tries them: PROFILE keys without
     * SECONDARY in definition order (the primary pass), then PROFILE+SECONDARY keys.
     */
    public static List<KeyValue> lookupKeys(List<EvaluatedKey> keys) {
        List<KeyValue> primary = new ArrayList<>();
        List<KeyValue> secondary = new ArrayList<>();
        for (EvaluatedKey key : keys) {
            if (!key.present() || !key.definition().isProfileKey()) continue;
            (key.definition().isSecondary() ? secondary : primary).add(key.keyValue());
        }
        primary.addAll(secondary);
        return primary;
    }

    /**
     * Resolves an object: the first looked-up key value held by exactly one profile wins; a value
     * held by several profiles is ambiguous and skipped; with no single match the type's
     * AllowProfileCreation decides.
     *
     * @param holders the profile ids holding a key value (empty when none)
     */
    public static Resolution resolve(ObjectType type, List<EvaluatedKey> keys, Function<KeyValue, Set<String>> holders) {
        for (KeyValue key : lookupKeys(keys)) {
            Set<String> profiles = holders.apply(key);
            if (profiles.size() == 1) return Resolution.attach(profiles.iterator().next());
        }
        return new Resolution(type.allowProfileCreation() ? Resolution.Outcome.CREATE : Resolution.Outcome.UNMATCHED, null);
    }

    /**
     * The key values stored on the resolved profile: every present key except LOOKUP_ONLY ones,
     * and NEW_ONLY ones only when this ingestion created the profile.
     */
    public static List<KeyValue> keysToStore(List<EvaluatedKey> keys, boolean profileCreated) {
        Set<KeyValue> stored = new LinkedHashSet<>();
        for (EvaluatedKey key : keys) {
            if (!key.present() || key.definition().has(StandardIdentifier.LOOKUP_ONLY)) continue;
            if (key.definition().has(StandardIdentifier.NEW_ONLY) && !profileCreated) continue;
            stored.add(key.keyValue());
        }
        return List.copyOf(stored);
    }
}

package org.openprofiles.store.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openprofiles.json.Json;

/**
 * A DeleteProfile or MergeProfiles as recorded (JSON, attribute {@code op}) on the item of every
 * profile it involves before it writes anything else: the item format, here beside the other items'
 * (the change stream's readers parse it too). The record is the operation's commit point: from then
 * on it is finished, by the call that recorded it or by any request that meets it (the kernel's
 * {@code RecordedOperations}); a profile carries one at a time, so two operations on one profile are ordered.
 *
 * @param main     the deleted profile, or a merge's main profile
 * @param merged   a merge's merged profiles (empty for a deletion)
 * @param sources  a merge's FieldSourceProfileIds (field path or group → the profile whose value wins)
 * @param atMillis when it was recorded (epoch ms): only tells how long it has been waiting, never decides a write
 * @param by       who asked for a merge (its history records say so, whoever finishes it), or null
 * @param retain   how many days a merge's history records are kept (the domain's expiration), or null
 */
public record OperationRecord(String id, Kind kind, String main, List<String> merged, Map<String, String> sources, long atMillis,
                              String by, Integer retain) {
    public enum Kind { DELETE, MERGE }

    public static OperationRecord delete(String profileId, long nowMillis) {
        return new OperationRecord(newId(), Kind.DELETE, profileId, List.of(), Map.of(), nowMillis, null, null);
    }

    public static OperationRecord merge(String mainId, List<String> mergedIds, Map<String, String> sources, long nowMillis, String by,
                                        int retain) {
        return new OperationRecord(newId(), Kind.MERGE, mainId, List.copyOf(mergedIds), Map.copyOf(sources), nowMillis, by, retain);
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** Whether the operation takes {@code profileId} away (deleted, or merged into another): readers no longer show it. */
    public boolean removes(String profileId) {
        return kind == Kind.DELETE || !main.equals(profileId);
    }

    /** Whether {@code other} asks for the same thing (a repeated call of the same merge or deletion). */
    public boolean sameRequest(OperationRecord other) {
        return kind == other.kind && main.equals(other.main) && new LinkedHashSet<>(merged).equals(new LinkedHashSet<>(other.merged))
                && sources.equals(other.sources);
    }

    /** Every profile it involves. */
    public List<String> profiles() {
        List<String> all = new ArrayList<>();
        all.add(main);
        all.addAll(merged);
        return all;
    }

    public String json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("kind", kind.name());
        out.put("main", main);
        out.put("merged", merged);
        out.put("sources", sources);
        out.put("at", Long.toString(atMillis));
        if (by != null) out.put("by", by);
        if (retain != null) out.put("retain", Integer.toString(retain));
        return Json.write(out);
    }

    @SuppressWarnings("unchecked")
    public static OperationRecord parse(String json) {
        Map<String, Object> in = (Map<String, Object>) Json.parse(json);
        List<String> merged = new ArrayList<>();
        for (Object id : (List<Object>) in.get("merged")) merged.add((String) id);
        Map<String, String> sources = new LinkedHashMap<>();
        ((Map<String, Object>) in.get("sources")).forEach((k, v) -> sources.put(k, (String) v));
        return new OperationRecord((String) in.get("id"), Kind.valueOf((String) in.get("kind")), (String) in.get("main"), List.copyOf(merged),
                Map.copyOf(sources), Long.parseLong((String) in.get("at")), (String) in.get("by"),
                in.get("retain") == null ? null : Integer.valueOf((String) in.get("retain")));
    }
}

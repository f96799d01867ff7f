package org.openprofiles.api;

import java.util.List;
import org.openprofiles.store.config.ConfigItems;
import org.openprofiles.store.table.StoreKeys;

/**
 * What each function may do to the table, written once: the deployment builds each function's IAM role from these
 * (infra), and the tests give each function's calls exactly these rights at the wire, so a code path that needs a right
 * its role lacks fails a test instead of a deployed request.
 */
public final class FunctionRights {
    /** The configuration items (domains, object types, the erasure ledger): partition keys starting with CONFIG#. */
    public static final List<String> CONFIGURATION_ITEMS = List.of(ConfigItems.PREFIX + "*");

    /**
     * Some of IAM's DynamoDB actions (e.g. {@code dynamodb:PutItem}) on the table, or on its index when {@code onIndex},
     * confined to the items whose partition key is like one of {@code leadingKeys} (IAM's StringLike, {@code *} for any
     * characters), or on every item when {@code leadingKeys} is null.
     */
    public record Grant(List<String> actions, boolean onIndex, List<String> leadingKeys) {}

    /**
     * The profile writes: BatchGetItem reads (the domain's configuration item folded in), PutItem, UpdateItem,
     * ConditionCheckItem and DeleteItem in transactions, BatchWriteItem turning a closed profile's shards into bare markers;
     * Query finds the objects on the index. A put or a merge that meets the closed shards of a DeleteProfile or
     * MergeProfiles whose function died finishes it, hence PutProfileObject's lifecycle rights.
     */
    private static final List<String> PROFILE_WRITES = List.of("dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem");

    public static final List<Grant> PUT_PROFILE_OBJECT = List.of(table(PROFILE_WRITES), index("dynamodb:Query"));
    /** AddProfileKey: PutItem for a full value's spill and a spilled value's holder items; it never deletes. */
    public static final List<Grant> ADD_PROFILE_KEY = List.of(
            table(List.of("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem")));
    /** SearchProfiles, ListProfileObjects, BatchGetProfile, the calculated attributes: reads only. */
    public static final List<Grant> READ_PROFILES = List.of(table(List.of("dynamodb:BatchGetItem")), index("dynamodb:Query"));
    /** ListProfileHistoryRecords (the profile item, then its records on the index), GetProfileHistoryRecord: reads only. */
    public static final List<Grant> PROFILE_HISTORY = READ_PROFILES;
    public static final List<Grant> PROFILE_LIFECYCLE = PUT_PROFILE_OBJECT;
    /** Administration and the domain files: the configuration items only, never profile data. */
    public static final List<Grant> ADMINISTRATION = List.of(
            new Grant(List.of("dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"), false, CONFIGURATION_ITEMS));
    /**
     * The erasure worker: a Scan finds a deleted domain's or object type's items (no index by domain) and BatchWriteItem
     * deletes them; its ledger is configuration items (BatchGetItem, UpdateItem, DeleteItem). Each run also finishes the
     * DeleteProfile and MergeProfiles calls whose function died and that no request met since: the lifecycle's rights.
     */
    public static final List<Grant> ERASURE = List.of(
            table(List.of("dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                    "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")),
            index("dynamodb:Query"));
    /** The one-time migration to newest-first listing: a Scan finds the objects, UpdateItem gives each its new index key. */
    public static final List<Grant> OBJECT_ORDER = List.of(table(List.of("dynamodb:Scan", "dynamodb:UpdateItem")));
    /** The event exporter reads the domains' items (their event streams) and profile items; it never writes the table. */
    public static final List<Grant> EVENT_EXPORT = List.of(
            new Grant(List.of("dynamodb:BatchGetItem"), false, List.of(ConfigItems.domainPk("*"), StoreKeys.profile("*", "*"))));

    private FunctionRights() {}

    /**
     * The contact-record consumer of one domain: PutProfileObject's rights, confined to that domain's items and its
     * configuration items (dead letters are PutItem).
     */
    public static List<Grant> contactRecords(String domain) {
        List<String> domainItems = List.of(StoreKeys.domain(domain) + "*", ConfigItems.domainPk(domain), ConfigItems.typesPrefix(domain) + "*");
        return List.of(new Grant(PROFILE_WRITES, false, domainItems), index("dynamodb:Query"));
    }

    private static Grant table(List<String> actions) {
        return new Grant(actions, false, null);
    }

    private static Grant index(String action) {
        return new Grant(List.of(action), true, null);
    }
}

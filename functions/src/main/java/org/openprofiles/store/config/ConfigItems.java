package org.openprofiles.store.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The configuration's items and their codec (docs/data-model.md): one item per domain, one per object type, and one
 * registry of domain names and pending erasures. Owns every configuration key format and attribute name. Only
 * administration writes these items; requests on profiles read them, never write them.
 *
 * <p>Every change to a domain or to one of its object types gives the domain item a new random {@code version}: a
 * container's cached configuration is current exactly when the version it was built from is the one in the item (a
 * re-created domain never repeats a version), and a write that finds its own version knows it landed.
 */
public final class ConfigItems {
    /** Every configuration item's key starts with this, and no data item's does. */
    public static final String PREFIX = "CONFIG#";
    /** The registry's key. */
    public static final String REGISTRY_PK = PREFIX + "registry";
    static final String DOMAIN_PREFIX = PREFIX + "D#";
    static final String TYPE_INFIX = "#T#";

    static final String DOMAIN_NAME = "domainName";
    static final String TYPE_NAME = "typeName";
    static final String STATE = "state";
    static final String VERSION = "version";
    static final String DEFINITION = "definition";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";
    static final String TYPES = "types";
    static final String DELETED_AT = "deletedAt";
    static final String NOT_BEFORE = "notBefore";
    static final String CURSOR = "cursor";
    static final String ERASED = "erased";
    static final String DOMAINS = "domains";
    static final String ERASURES = "erasures";
    /** The domain's event stream, a map on the domain item: it goes with the domain. */
    static final String EVENT_STREAM = "eventStream";
    static final String STREAM_NAME = "name";
    static final String STREAM_URI = "uri";
    static final String STREAM_TAGS = "tags";
    /** The domain's calculated attribute definitions, a map on the domain item (name → definition JSON): they go with the domain. */
    static final String CALCULATED = "calculatedAttributes";
    /** Amazon Connect's default calculated attributes deleted from the domain (and not created again). */
    static final String DELETED_DEFAULTS = "deletedDefaults";
    static final String ACTIVE = "ACTIVE";
    static final String DELETING = "DELETING";

    private ConfigItems() {}

    // ---- keys -----------------------------------------------------------------------------------------------------

    public static String domainPk(String domain) { return DOMAIN_PREFIX + domain; }

    static String typePk(String domain, String type) { return DOMAIN_PREFIX + domain + TYPE_INFIX + type; }

    /** Every object type item of a domain starts with this (a domain's erasure removes them). */
    public static String typesPrefix(String domain) { return DOMAIN_PREFIX + domain + TYPE_INFIX; }

    /** A fresh version: random, so a domain deleted and created again never repeats one. */
    static String newVersion() { return UUID.randomUUID().toString(); }

    // ---- items to records -----------------------------------------------------------------------------------------

    static DomainItem domainItem(Map<String, AttributeValue> item) {
        return new DomainItem(item.get(DOMAIN_NAME).s(), item.get(VERSION).s(), string(item, DEFINITION), number(item, CREATED_AT),
                number(item, UPDATED_AT), strings(item, TYPES), erasure(item), eventStream(item), calculated(item), strings(item, DELETED_DEFAULTS));
    }

    private static Map<String, String> calculated(Map<String, AttributeValue> item) {
        AttributeValue value = item.get(CALCULATED);
        if (value == null || !value.hasM()) return Map.of();
        Map<String, String> definitions = new java.util.TreeMap<>();
        value.m().forEach((name, json) -> definitions.put(name, json.s()));
        return definitions;
    }

    static TypeItem typeItem(Map<String, AttributeValue> item) {
        return new TypeItem(item.get(DOMAIN_NAME).s(), item.get(TYPE_NAME).s(), string(item, DEFINITION), number(item, CREATED_AT),
                number(item, UPDATED_AT), erasure(item));
    }

    /** The registry as read, or an empty one when it does not exist yet (no domain was ever created). */
    static Registry registry(Map<String, AttributeValue> item) {
        return item == null ? new Registry(Set.of(), Set.of()) : new Registry(strings(item, DOMAINS), strings(item, ERASURES));
    }

    /** The job a registry entry names; {@code tombstone} is its item as read, or null when it is gone. */
    static ErasureJob erasureJob(String id, Map<String, AttributeValue> tombstone) {
        String rest = id.substring(DOMAIN_PREFIX.length());
        int infix = rest.indexOf(TYPE_INFIX);
        String domain = infix < 0 ? rest : rest.substring(0, infix);
        String type = infix < 0 ? null : rest.substring(infix + TYPE_INFIX.length());
        return new ErasureJob(id, domain, type, tombstone == null ? null : erasure(tombstone));
    }

    private static EventStream eventStream(Map<String, AttributeValue> item) {
        AttributeValue value = item.get(EVENT_STREAM);
        if (value == null || !value.hasM()) return null;
        Map<String, AttributeValue> stream = value.m();
        return new EventStream(string(stream, STREAM_NAME), string(stream, STREAM_URI), number(stream, CREATED_AT), string(stream, STREAM_TAGS));
    }

    private static Erasure erasure(Map<String, AttributeValue> item) {
        if (!DELETING.equals(string(item, STATE))) return null;
        return new Erasure(number(item, DELETED_AT), number(item, NOT_BEFORE), string(item, CURSOR), number(item, ERASED));
    }

    // ---- records to items -----------------------------------------------------------------------------------------

    /** A new live domain's item. */
    static Map<String, AttributeValue> newDomain(String name, String version, String definition, long now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(ProfilesTable.PARTITION_KEY, s(domainPk(name)));
        item.put(DOMAIN_NAME, s(name));
        item.put(STATE, s(ACTIVE));
        item.put(VERSION, s(version));
        item.put(DEFINITION, s(definition));
        item.put(CREATED_AT, n(now));
        item.put(UPDATED_AT, n(now));
        return item;
    }

    /** An event stream as the map kept on its domain's item. */
    static AttributeValue eventStream(EventStream stream) {
        Map<String, AttributeValue> value = new LinkedHashMap<>();
        value.put(STREAM_NAME, s(stream.name()));
        value.put(STREAM_URI, s(stream.uri()));
        value.put(CREATED_AT, n(stream.createdAt()));
        if (stream.tags() != null) value.put(STREAM_TAGS, s(stream.tags()));
        return AttributeValue.fromM(value);
    }

    /** A transaction's update of the registry item (which has no condition: it only lists names). */
    static TransactWriteItem registryUpdate(String tableName, String expression, Map<String, String> names,
                                            Map<String, AttributeValue> values) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(DynamoCalls.itemKey(REGISTRY_PK))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    /** Whether the transaction's action {@code index} was cancelled by its own condition. */
    static boolean conditionFailed(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    // ---- attribute values -----------------------------------------------------------------------------------------

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : Long.parseLong(value.n());
    }

    private static Set<String> strings(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || !value.hasSs() ? Set.of() : new TreeSet<>(value.ss());
    }

    static AttributeValue s(String value) { return AttributeValue.fromS(value); }

    /** A string set of one value, for ADD and DELETE. */
    static AttributeValue ss(String value) { return AttributeValue.fromSs(List.of(value)); }

    static AttributeValue n(long value) { return AttributeValue.fromN(Long.toString(value)); }
}

package org.openprofiles.store.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.DecideAgainException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The configuration in the table (docs/data-model.md): one item per domain, one per object type,
 * and one registry of domain names and pending erasures. Owns every configuration key format.
 * Only administration writes these items; requests on profiles read them, never write them.
 *
 * <p>Every change to a domain or to one of its object types gives the domain item a new random
 * {@code version}: a container's cached configuration is current exactly when the version it was
 * built from is the one in the item (a re-created domain never repeats a version).
 */
public final class ConfigStore {
    /** Domain names (ListDomains) and the tombstones waiting for erasure (the worker's to-do list). */
    public static final String REGISTRY_PK = "CONFIG#registry";
    static final String DOMAIN_PREFIX = "CONFIG#D#";
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
    /** The domain's event stream (at most one, AWS's quota), a map on the domain item: it goes with the domain. */
    static final String EVENT_STREAM = "eventStream";
    static final String STREAM_NAME = "name";
    static final String STREAM_URI = "uri";
    static final String STREAM_TAGS = "tags";
    static final String ACTIVE = "ACTIVE";
    static final String DELETING = "DELETING";

    /** A deleted domain or type whose data is being erased: when erasure may start, and how far it got. */
    public record Erasure(long deletedAt, long notBefore, String cursor, long erased) {}

    /**
     * A domain's event stream (CreateEventStream).
     *
     * @param uri       the Kinesis data stream's ARN the domain's changes are exported to
     * @param createdAt epoch seconds
     * @param tags      the Tags member as accepted (JSON), or null
     */
    public record EventStream(String name, String uri, long createdAt, String tags) {}

    /**
     * @param definition  the domain's settings as accepted (JSON: DefaultExpirationDays, Tags, ...)
     * @param types       the names of its object types
     * @param erasure     null for a live domain; set once it is deleted and its data is being erased
     * @param eventStream the domain's event stream, or null
     */
    public record DomainItem(String name, String version, String definition, long createdAt, long updatedAt,
                             Set<String> types, Erasure erasure, EventStream eventStream) {
        public boolean deleting() { return erasure != null; }
    }

    /** @param definition the PutProfileObjectType body as put (JSON) */
    public record TypeItem(String domainName, String name, String definition, long createdAt, long updatedAt, Erasure erasure) {
        public boolean deleting() { return erasure != null; }
    }

    public record Registry(Set<String> domains, Set<String> erasures) {}

    /** One pending erasure: a tombstone's key, the domain, and the type (null for a whole domain). */
    public record ErasureJob(String id, String domainName, String typeName, Erasure erasure) {
        public boolean wholeDomain() { return typeName == null; }
    }

    /** What a configuration write found when its conditions failed. */
    public enum Refusal { DOMAIN_MISSING, DOMAIN_DELETING, DOMAIN_EXISTS, TYPE_MISSING, TYPE_DELETING, TOO_MANY_TYPES, CHANGED,
        EVENT_STREAM_EXISTS, EVENT_STREAM_MISSING }

    /** A configuration write that was refused; nothing was written. */
    public static final class RefusedException extends RuntimeException {
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super(refusal.name(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() { return refusal; }
    }

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final DynamoCalls calls;

    public ConfigStore(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.calls = new DynamoCalls(dynamo, tableName);
    }

    // ---- key formats --------------------------------------------------------------------------

    static String domainPk(String domain) { return DOMAIN_PREFIX + domain; }

    static String typePk(String domain, String type) { return DOMAIN_PREFIX + domain + TYPE_INFIX + type; }

    /** Every object type item of a domain starts with this (a domain's erasure removes them). */
    static String typesPrefix(String domain) { return DOMAIN_PREFIX + domain + TYPE_INFIX; }

    /** A fresh version: random, so a domain deleted and created again never repeats one. */
    static String newVersion() { return UUID.randomUUID().toString(); }

    // ---- reads (strongly consistent) ----------------------------------------------------------

    /** The domain item, to read inside a request's own consistent BatchGetItem. */
    public ConfigRead probe(String domain) {
        return new ConfigRead(domainPk(domain));
    }

    /** What {@code probe} found in the read it took part in. */
    public static Optional<DomainItem> domainItem(ConfigRead probe) {
        return Optional.ofNullable(probe.item()).map(ConfigStore::domainItem);
    }

    /** One small strongly consistent read of the domain item (BatchGetItem: the call every function may make). */
    public Optional<DomainItem> domain(String name) {
        return Optional.ofNullable(batchGet(List.of(domainPk(name))).get(domainPk(name))).map(ConfigStore::domainItem);
    }

    public record DomainAndType(Optional<DomainItem> domain, Optional<TypeItem> type) {}

    /** The domain item and one type item, in one consistent read. */
    public DomainAndType domainAndType(String domain, String type) {
        Map<String, Map<String, AttributeValue>> items = batchGet(List.of(domainPk(domain), typePk(domain, type)));
        return new DomainAndType(Optional.ofNullable(items.get(domainPk(domain))).map(ConfigStore::domainItem),
                Optional.ofNullable(items.get(typePk(domain, type))).map(ConfigStore::typeItem));
    }

    /** Type items by name (those that exist), consistently read in batches of 100. */
    public Map<String, TypeItem> types(String domain, Collection<String> names) {
        List<String> pks = new ArrayList<>();
        for (String name : names) pks.add(typePk(domain, name));
        Map<String, TypeItem> types = new HashMap<>();
        for (Map<String, AttributeValue> item : batchGet(pks).values()) {
            TypeItem type = typeItem(item);
            types.put(type.name(), type);
        }
        return types;
    }

    /** Domain items by name (those that exist). */
    public Map<String, DomainItem> domains(Collection<String> names) {
        List<String> pks = new ArrayList<>();
        for (String name : names) pks.add(domainPk(name));
        Map<String, DomainItem> domains = new HashMap<>();
        for (Map<String, AttributeValue> item : batchGet(pks).values()) {
            DomainItem domain = domainItem(item);
            domains.put(domain.name(), domain);
        }
        return domains;
    }

    public Registry registry() {
        Map<String, AttributeValue> item = batchGet(List.of(REGISTRY_PK)).get(REGISTRY_PK);
        if (item == null) return new Registry(Set.of(), Set.of());
        return new Registry(strings(item, DOMAINS), strings(item, ERASURES));
    }

    /** The pending erasures, with their tombstones (a job whose tombstone is gone has a null erasure). */
    public List<ErasureJob> erasures() {
        Set<String> ids = registry().erasures();
        Map<String, Map<String, AttributeValue>> items = batchGet(List.copyOf(ids));
        List<ErasureJob> jobs = new ArrayList<>();
        for (String id : ids) {
            String rest = id.substring(DOMAIN_PREFIX.length());
            int infix = rest.indexOf(TYPE_INFIX);
            String domain = infix < 0 ? rest : rest.substring(0, infix);
            String type = infix < 0 ? null : rest.substring(infix + TYPE_INFIX.length());
            Map<String, AttributeValue> item = items.get(id);
            jobs.add(new ErasureJob(id, domain, type, item == null ? null : erasure(item)));
        }
        return jobs;
    }

    /**
     * Consistent reads of configuration items by key, through the store's one BatchGetItem path
     * (chunks of 100, unprocessed keys read again with backoff, bounded), within one call's timeout.
     */
    private Map<String, Map<String, AttributeValue>> batchGet(List<String> pks) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String pk : new LinkedHashSet<>(pks)) keys.add(key(pk));
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        for (Map<String, AttributeValue> item : calls.batchGet(keys, Deadline.in(DynamoDbClients.CALL_TIMEOUT))) {
            items.put(item.get(ProfilesTable.PARTITION_KEY).s(), item);
        }
        return items;
    }

    // ---- writes (administration only) ---------------------------------------------------------

    /** @throws RefusedException DOMAIN_EXISTS or DOMAIN_DELETING */
    public DomainItem createDomain(String name, String definition, long now) {
        String version = newVersion();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(ProfilesTable.PARTITION_KEY, s(domainPk(name)));
        item.put(DOMAIN_NAME, s(name));
        item.put(STATE, s(ACTIVE));
        item.put(VERSION, s(version));
        item.put(DEFINITION, s(definition));
        item.put(CREATED_AT, n(now));
        item.put(UPDATED_AT, n(now));
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY)).build()).build(),
                registryUpdate("ADD #domains :name", Map.of("#domains", DOMAINS), Map.of(":name", ss(name))));
        try {
            transact(actions);
        } catch (TransactionCanceledException e) {
            if (failed(e, 0)) {
                throw new RefusedException(domain(name).map(d -> d.deleting() ? Refusal.DOMAIN_DELETING : Refusal.DOMAIN_EXISTS)
                        .orElse(Refusal.CHANGED));
            }
            throw conflict(e);
        }
        return new DomainItem(name, version, definition, now, now, Set.of(), null, null);
    }

    /**
     * Replaces a live domain's settings if its version is still {@code seenVersion}.
     *
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING, or CHANGED when another change came first
     */
    public DomainItem updateDomain(String name, String seenVersion, String definition, long now) {
        try {
            Map<String, AttributeValue> item = DynamoCalls.call(() -> dynamo.updateItem(r -> r.tableName(tableName).key(key(domainPk(name)))
                    .updateExpression("SET #definition = :definition, #version = :version, #updatedAt = :now")
                    .conditionExpression("#state = :active AND #version = :seen")
                    .expressionAttributeNames(Map.of("#definition", DEFINITION, "#version", VERSION, "#updatedAt", UPDATED_AT, "#state", STATE))
                    .expressionAttributeValues(Map.of(":definition", s(definition), ":version", s(newVersion()), ":now", n(now),
                            ":active", s(ACTIVE), ":seen", s(seenVersion)))
                    .returnValues(ReturnValue.ALL_NEW))).attributes();
            return domainItem(item);
        } catch (ConditionalCheckFailedException e) {
            throw new RefusedException(domainRefusal(name, Refusal.CHANGED));
        }
    }

    /**
     * Makes a live domain a tombstone waiting for erasure: gone for every request from now on.
     *
     * @param notBefore when erasure may start (epoch seconds): after every request that saw the domain has ended
     * @throws RefusedException DOMAIN_MISSING or DOMAIN_DELETING
     */
    public void deleteDomain(String name, long now, long notBefore) {
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key(domainPk(name)))
                        .updateExpression("SET #state = :deleting, #version = :version, #deletedAt = :now, #notBefore = :notBefore, "
                                + "#erased = :zero REMOVE #types, #cursor")
                        .conditionExpression("#state = :active")
                        .expressionAttributeNames(Map.of("#state", STATE, "#version", VERSION, "#deletedAt", DELETED_AT,
                                "#notBefore", NOT_BEFORE, "#erased", ERASED, "#types", TYPES, "#cursor", CURSOR))
                        .expressionAttributeValues(Map.of(":deleting", s(DELETING), ":version", s(newVersion()), ":now", n(now),
                                ":notBefore", n(notBefore), ":zero", n(0), ":active", s(ACTIVE)))
                        .build()).build(),
                registryUpdate("DELETE #domains :name ADD #erasures :job", Map.of("#domains", DOMAINS, "#erasures", ERASURES),
                        Map.of(":name", ss(name), ":job", ss(domainPk(name)))));
        try {
            transact(actions);
        } catch (TransactionCanceledException e) {
            if (failed(e, 0)) throw new RefusedException(domainRefusal(name, Refusal.CHANGED));
            throw conflict(e);
        }
    }

    /**
     * Creates or replaces an object type of a live domain, and gives the domain a new version.
     *
     * @return the type's creation time (kept when it is replaced)
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING, TYPE_DELETING or TOO_MANY_TYPES
     */
    public long putType(String domain, String type, String definition, long now, int maxTypes) {
        Optional<TypeItem> before = domainAndType(domain, type).type();
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key(domainPk(domain)))
                        .updateExpression("SET #version = :version ADD #types :type")
                        .conditionExpression("#state = :active AND (attribute_not_exists(#types) OR size(#types) < :max OR contains(#types, :name))")
                        .expressionAttributeNames(Map.of("#version", VERSION, "#types", TYPES, "#state", STATE))
                        .expressionAttributeValues(Map.of(":version", s(newVersion()), ":type", ss(type), ":active", s(ACTIVE),
                                ":max", n(maxTypes), ":name", s(type)))
                        .build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key(typePk(domain, type)))
                        .updateExpression("SET #domainName = :domain, #typeName = :name, #state = :active, #definition = :definition, "
                                + "#updatedAt = :now, #createdAt = if_not_exists(#createdAt, :now)")
                        .conditionExpression("attribute_not_exists(#pk) OR #state = :active")
                        .expressionAttributeNames(Map.of("#domainName", DOMAIN_NAME, "#typeName", TYPE_NAME, "#state", STATE,
                                "#definition", DEFINITION, "#updatedAt", UPDATED_AT, "#createdAt", CREATED_AT, "#pk", ProfilesTable.PARTITION_KEY))
                        .expressionAttributeValues(Map.of(":domain", s(domain), ":name", s(type), ":active", s(ACTIVE),
                                ":definition", s(definition), ":now", n(now)))
                        .build()).build());
        try {
            transact(actions);
        } catch (TransactionCanceledException e) {
            if (failed(e, 0)) {
                Refusal refusal = domainRefusal(domain, Refusal.TOO_MANY_TYPES);
                throw new RefusedException(refusal);
            }
            if (failed(e, 1)) throw new RefusedException(Refusal.TYPE_DELETING);
            throw conflict(e);
        }
        return before.filter(t -> !t.deleting()).map(TypeItem::createdAt).orElse(now);
    }

    /**
     * Makes a live type a tombstone waiting for the erasure of its objects, and gives the domain a new version.
     *
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING or TYPE_MISSING
     */
    public void deleteType(String domain, String type, long now, long notBefore) {
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key(domainPk(domain)))
                        .updateExpression("SET #version = :version DELETE #types :type")
                        .conditionExpression("#state = :active AND contains(#types, :name)")
                        .expressionAttributeNames(Map.of("#version", VERSION, "#types", TYPES, "#state", STATE))
                        .expressionAttributeValues(Map.of(":version", s(newVersion()), ":type", ss(type), ":active", s(ACTIVE), ":name", s(type)))
                        .build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key(typePk(domain, type)))
                        .updateExpression("SET #state = :deleting, #deletedAt = :now, #notBefore = :notBefore, #erased = :zero REMOVE #cursor")
                        .conditionExpression("#state = :active")
                        .expressionAttributeNames(Map.of("#state", STATE, "#deletedAt", DELETED_AT, "#notBefore", NOT_BEFORE,
                                "#erased", ERASED, "#cursor", CURSOR))
                        .expressionAttributeValues(Map.of(":deleting", s(DELETING), ":now", n(now), ":notBefore", n(notBefore),
                                ":zero", n(0), ":active", s(ACTIVE)))
                        .build()).build(),
                registryUpdate("ADD #erasures :job", Map.of("#erasures", ERASURES), Map.of(":job", ss(typePk(domain, type)))));
        try {
            transact(actions);
        } catch (TransactionCanceledException e) {
            if (failed(e, 0) || failed(e, 1)) throw new RefusedException(domainRefusal(domain, Refusal.TYPE_MISSING));
            throw conflict(e);
        }
    }

    // ---- event streams ------------------------------------------------------------------------

    /**
     * Gives a live domain its event stream. The domain's version is kept: no container's configuration depends on it
     * (only the exporter reads it, at every batch).
     *
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING, or EVENT_STREAM_EXISTS (a domain has at most one)
     */
    public void createEventStream(String domain, EventStream stream) {
        Map<String, AttributeValue> value = new LinkedHashMap<>();
        value.put(STREAM_NAME, s(stream.name()));
        value.put(STREAM_URI, s(stream.uri()));
        value.put(CREATED_AT, n(stream.createdAt()));
        if (stream.tags() != null) value.put(STREAM_TAGS, s(stream.tags()));
        try {
            DynamoCalls.call(() -> dynamo.updateItem(r -> r.tableName(tableName).key(key(domainPk(domain)))
                    .updateExpression("SET #stream = :stream")
                    .conditionExpression("#state = :active AND attribute_not_exists(#stream)")
                    .expressionAttributeNames(Map.of("#stream", EVENT_STREAM, "#state", STATE))
                    .expressionAttributeValues(Map.of(":stream", AttributeValue.fromM(value), ":active", s(ACTIVE)))));
        } catch (ConditionalCheckFailedException e) {
            throw new RefusedException(domainRefusal(domain, Refusal.EVENT_STREAM_EXISTS));
        }
    }

    /**
     * Removes a live domain's event stream named {@code name}.
     *
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING, or EVENT_STREAM_MISSING (none, or another name)
     */
    public void deleteEventStream(String domain, String name) {
        try {
            DynamoCalls.call(() -> dynamo.updateItem(r -> r.tableName(tableName).key(key(domainPk(domain)))
                    .updateExpression("REMOVE #stream")
                    .conditionExpression("#state = :active AND #stream.#name = :name")
                    .expressionAttributeNames(Map.of("#stream", EVENT_STREAM, "#state", STATE, "#name", STREAM_NAME))
                    .expressionAttributeValues(Map.of(":name", s(name), ":active", s(ACTIVE)))));
        } catch (ConditionalCheckFailedException e) {
            throw new RefusedException(domainRefusal(domain, Refusal.EVENT_STREAM_MISSING));
        }
    }

    // ---- erasure bookkeeping (the worker) -----------------------------------------------------

    /**
     * Records how far an erasure got, if nobody else moved it meanwhile.
     *
     * @return false when the tombstone is gone or its progress moved (another worker): stop this job
     */
    public boolean saveProgress(ErasureJob job, String cursor, long erased) {
        Map<String, String> names = new HashMap<>(Map.of("#state", STATE, "#cursor", CURSOR, "#erased", ERASED));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":deleting", s(DELETING), ":cursor", s(cursor), ":erased", n(erased)));
        String condition = "#state = :deleting AND ";
        if (job.erasure().cursor() == null) {
            condition += "attribute_not_exists(#cursor)";
        } else {
            condition += "#cursor = :seen";
            values.put(":seen", s(job.erasure().cursor()));
        }
        String expression = condition;
        try {
            DynamoCalls.call(() -> dynamo.updateItem(r -> r.tableName(tableName).key(key(job.id()))
                    .updateExpression("SET #cursor = :cursor, #erased = :erased").conditionExpression(expression)
                    .expressionAttributeNames(names).expressionAttributeValues(values)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** The erasure is complete: the tombstone goes, and with it the job (the name may be used again). */
    public void finish(ErasureJob job) {
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().delete(Delete.builder().tableName(tableName).key(key(job.id()))
                        .conditionExpression("#state = :deleting")
                        .expressionAttributeNames(Map.of("#state", STATE))
                        .expressionAttributeValues(Map.of(":deleting", s(DELETING))).build()).build(),
                registryUpdate("DELETE #erasures :job", Map.of("#erasures", ERASURES), Map.of(":job", ss(job.id()))));
        try {
            transact(actions);
        } catch (TransactionCanceledException e) {
            if (failed(e, 0)) {
                forget(job);
                return;
            }
            throw conflict(e);
        }
    }

    /** Drops a job whose tombstone is gone (erased with its whole domain, or finished by another worker). */
    public void forget(ErasureJob job) {
        DynamoCalls.call(() -> dynamo.updateItem(r -> r.tableName(tableName).key(key(REGISTRY_PK))
                .updateExpression("DELETE #erasures :job")
                .expressionAttributeNames(Map.of("#erasures", ERASURES))
                .expressionAttributeValues(Map.of(":job", ss(job.id())))));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Refusal domainRefusal(String name, Refusal otherwise) {
        Optional<DomainItem> domain = domain(name);
        if (domain.isEmpty()) return Refusal.DOMAIN_MISSING;
        if (domain.get().deleting()) return Refusal.DOMAIN_DELETING;
        return otherwise;
    }

    private TransactWriteItem registryUpdate(String expression, Map<String, String> names, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key(REGISTRY_PK))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    private void transact(List<TransactWriteItem> actions) {
        DynamoCalls.call(() -> dynamo.transactWriteItems(r -> r.transactItems(actions)));
    }

    private static boolean failed(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static RuntimeException conflict(TransactionCanceledException e) {
        for (CancellationReason reason : e.cancellationReasons()) {
            String code = reason.code();
            if ("ThrottlingError".equals(code) || "ProvisionedThroughputExceeded".equals(code)) return DynamoCalls.throttled(e);
            if ("TransactionConflict".equals(code)) return new DecideAgainException("a concurrent configuration change came first", false);
        }
        return e;
    }

    static DomainItem domainItem(Map<String, AttributeValue> item) {
        return new DomainItem(item.get(DOMAIN_NAME).s(), item.get(VERSION).s(), string(item, DEFINITION), number(item, CREATED_AT),
                number(item, UPDATED_AT), strings(item, TYPES), erasure(item), eventStream(item));
    }

    static TypeItem typeItem(Map<String, AttributeValue> item) {
        return new TypeItem(item.get(DOMAIN_NAME).s(), item.get(TYPE_NAME).s(), string(item, DEFINITION), number(item, CREATED_AT),
                number(item, UPDATED_AT), erasure(item));
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

    static Map<String, AttributeValue> key(String pk) {
        return Map.of(ProfilesTable.PARTITION_KEY, s(pk));
    }

    private static AttributeValue s(String value) { return AttributeValue.fromS(value); }

    private static AttributeValue ss(String value) { return AttributeValue.fromSs(List.of(value)); }

    private static AttributeValue n(long value) { return AttributeValue.fromN(Long.toString(value)); }
}

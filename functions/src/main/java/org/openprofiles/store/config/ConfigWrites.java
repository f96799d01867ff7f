package org.openprofiles.store.config;

import static org.openprofiles.store.config.ConfigItems.*;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.DynamoCalls.ItemWrite;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.DecideAgainException;
import org.openprofiles.store.table.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The administration's writes of domains and object types: each one conditional call through the call layer, ended by
 * the request's deadline (transactions with the call layer's token resend). A write its conditions refused reads what
 * it met: a refusal says why ({@link RefusedException}); a race lost to another change is a
 * {@link DecideAgainException} (read again, decide again); the write's own new version found on the domain means an
 * earlier attempt whose answer was lost committed it, and it answers success.
 */
public final class ConfigWrites {
    private final DynamoCalls calls;
    private final ConfigReads reads;

    public ConfigWrites(DynamoDbClient dynamo, String tableName) {
        this.calls = new DynamoCalls(dynamo, tableName);
        this.reads = new ConfigReads(calls);
    }

    /** The writes of calculated attribute definitions, through the same call layer. */
    public CalculatedAttributeWrites calculatedAttributes() {
        return new CalculatedAttributeWrites(calls);
    }

    // ---- domains --------------------------------------------------------------------------------------------------

    /** @throws RefusedException DOMAIN_EXISTS or DOMAIN_DELETING */
    public DomainItem createDomain(String name, String definition, long now, Deadline deadline) {
        String version = newVersion();
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(calls.tableName).item(newDomain(name, version, definition, now))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY)).build()).build(),
                registryUpdate(calls.tableName, "ADD #domains :name", Map.of("#domains", DOMAINS), Map.of(":name", ss(name))));
        if (transact(calls, actions, deadline) >= 0) {
            Optional<DomainItem> found = reads.domain(name, deadline);
            if (found.isEmpty()) throw changed(); // there at the write, erased by the read
            if (!found.get().version().equals(version)) {
                throw new RefusedException(found.get().deleting() ? Refusal.DOMAIN_DELETING : Refusal.DOMAIN_EXISTS);
            }
        }
        return new DomainItem(name, version, definition, now, now, Set.of(), null, null);
    }

    /**
     * Replaces a live domain's settings if its version is still {@code seenVersion}.
     *
     * @throws RefusedException       DOMAIN_MISSING or DOMAIN_DELETING
     * @throws DecideAgainException when another change came first
     */
    public DomainItem updateDomain(String name, String seenVersion, String definition, long now, Deadline deadline) {
        String version = newVersion();
        ItemWrite write = calls.update(UpdateItemRequest.builder().key(DynamoCalls.itemKey(domainPk(name)))
                .updateExpression("SET #definition = :definition, #version = :version, #updatedAt = :now")
                .conditionExpression("#state = :active AND #version = :seen")
                .expressionAttributeNames(Map.of("#definition", DEFINITION, "#version", VERSION, "#updatedAt", UPDATED_AT, "#state", STATE))
                .expressionAttributeValues(Map.of(":definition", s(definition), ":version", s(version), ":now", n(now),
                        ":active", s(ACTIVE), ":seen", s(seenVersion)))
                .returnValues(ReturnValue.ALL_NEW), deadline);
        if (write.written()) return domainItem(write.attributes());
        Optional<DomainItem> found = reads.domain(name, deadline);
        if (found.isPresent() && found.get().version().equals(version)) return found.get();
        throw refusal(found, null);
    }

    /**
     * Makes a live domain a tombstone waiting for erasure: gone for every request from now on.
     *
     * @param notBefore when erasure may start (epoch seconds): after every request that saw the domain has ended
     * @throws RefusedException DOMAIN_MISSING or DOMAIN_DELETING
     */
    public void deleteDomain(String name, long now, long notBefore, Deadline deadline) {
        String version = newVersion();
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName).key(DynamoCalls.itemKey(domainPk(name)))
                        .updateExpression("SET #state = :deleting, #version = :version, #deletedAt = :now, #notBefore = :notBefore, "
                                + "#erased = :zero REMOVE #types, #cursor")
                        .conditionExpression("#state = :active")
                        .expressionAttributeNames(Map.of("#state", STATE, "#version", VERSION, "#deletedAt", DELETED_AT,
                                "#notBefore", NOT_BEFORE, "#erased", ERASED, "#types", TYPES, "#cursor", CURSOR))
                        .expressionAttributeValues(Map.of(":deleting", s(DELETING), ":version", s(version), ":now", n(now),
                                ":notBefore", n(notBefore), ":zero", n(0), ":active", s(ACTIVE)))
                        .build()).build(),
                registryUpdate(calls.tableName, "DELETE #domains :name ADD #erasures :job", Map.of("#domains", DOMAINS, "#erasures", ERASURES),
                        Map.of(":name", ss(name), ":job", ss(domainPk(name)))));
        if (transact(calls, actions, deadline) < 0) return;
        Optional<DomainItem> found = reads.domain(name, deadline);
        if (found.isEmpty() || !found.get().version().equals(version)) throw refusal(found, null);
    }

    // ---- object types ---------------------------------------------------------------------------------------------

    /**
     * Creates or replaces an object type of a live domain, and gives the domain a new version.
     *
     * @return the type's creation time (kept when it is replaced)
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING, TYPE_DELETING or TOO_MANY_TYPES
     */
    public long putType(String domain, String type, String definition, long now, int maxTypes, Deadline deadline) {
        Optional<TypeItem> before = reads.domainAndType(domain, type, deadline).type();
        String version = newVersion();
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName).key(DynamoCalls.itemKey(domainPk(domain)))
                        .updateExpression("SET #version = :version ADD #types :type")
                        .conditionExpression("#state = :active AND (attribute_not_exists(#types) OR size(#types) < :max OR contains(#types, :name))")
                        .expressionAttributeNames(Map.of("#version", VERSION, "#types", TYPES, "#state", STATE))
                        .expressionAttributeValues(Map.of(":version", s(version), ":type", ss(type), ":active", s(ACTIVE),
                                ":max", n(maxTypes), ":name", s(type)))
                        .build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName).key(DynamoCalls.itemKey(typePk(domain, type)))
                        .updateExpression("SET #domainName = :domain, #typeName = :name, #state = :active, #definition = :definition, "
                                + "#updatedAt = :now, #createdAt = if_not_exists(#createdAt, :now)")
                        .conditionExpression("attribute_not_exists(#pk) OR #state = :active")
                        .expressionAttributeNames(Map.of("#domainName", DOMAIN_NAME, "#typeName", TYPE_NAME, "#state", STATE,
                                "#definition", DEFINITION, "#updatedAt", UPDATED_AT, "#createdAt", CREATED_AT, "#pk", ProfilesTable.PARTITION_KEY))
                        .expressionAttributeValues(Map.of(":domain", s(domain), ":name", s(type), ":active", s(ACTIVE),
                                ":definition", s(definition), ":now", n(now)))
                        .build()).build());
        int failed = transact(calls, actions, deadline);
        // Only the type item failed: it is a tombstone (this write, had it landed, would have left it live).
        if (failed == 1) throw new RefusedException(Refusal.TYPE_DELETING);
        if (failed == 0) {
            Optional<DomainItem> found = reads.domain(domain, deadline);
            if (found.isEmpty() || !found.get().version().equals(version)) throw refusal(found, Refusal.TOO_MANY_TYPES);
        }
        return before.filter(t -> !t.deleting()).map(TypeItem::createdAt).orElse(now);
    }

    /**
     * Makes a live type a tombstone waiting for the erasure of its objects, and gives the domain a new version.
     *
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING or TYPE_MISSING
     */
    public void deleteType(String domain, String type, long now, long notBefore, Deadline deadline) {
        String version = newVersion();
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName).key(DynamoCalls.itemKey(domainPk(domain)))
                        .updateExpression("SET #version = :version DELETE #types :type")
                        .conditionExpression("#state = :active AND contains(#types, :name)")
                        .expressionAttributeNames(Map.of("#version", VERSION, "#types", TYPES, "#state", STATE))
                        .expressionAttributeValues(Map.of(":version", s(version), ":type", ss(type), ":active", s(ACTIVE), ":name", s(type)))
                        .build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(calls.tableName).key(DynamoCalls.itemKey(typePk(domain, type)))
                        .updateExpression("SET #state = :deleting, #deletedAt = :now, #notBefore = :notBefore, #erased = :zero REMOVE #cursor")
                        .conditionExpression("#state = :active")
                        .expressionAttributeNames(Map.of("#state", STATE, "#deletedAt", DELETED_AT, "#notBefore", NOT_BEFORE,
                                "#erased", ERASED, "#cursor", CURSOR))
                        .expressionAttributeValues(Map.of(":deleting", s(DELETING), ":now", n(now), ":notBefore", n(notBefore),
                                ":zero", n(0), ":active", s(ACTIVE)))
                        .build()).build(),
                registryUpdate(calls.tableName, "ADD #erasures :job", Map.of("#erasures", ERASURES), Map.of(":job", ss(typePk(domain, type)))));
        if (transact(calls, actions, deadline) < 0) return;
        Optional<DomainItem> found = reads.domain(domain, deadline);
        if (found.isEmpty() || !found.get().version().equals(version)) throw refusal(found, Refusal.TYPE_MISSING);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /**
     * One transaction through the call layer (its token resend included).
     *
     * @return -1 when it committed, else the index of the first action whose own condition failed (nothing was written)
     * @throws DecideAgainException when another transaction held an item or DynamoDB throttled it
     */
    static int transact(DynamoCalls calls, List<TransactWriteItem> actions, Deadline deadline) {
        try {
            calls.transact(actions, deadline, reasons -> {
                for (int i = 0; i < reasons.size(); i++) if (conditionFailed(reasons, i)) return new ConditionFailed(i);
                return null;
            });
            return -1;
        } catch (ConditionFailed failed) {
            return failed.index;
        }
    }

    /** Carries a cancelled transaction's failed action out of the call layer's interpretation, to {@link #transact} only. */
    private static final class ConditionFailed extends RuntimeException {
        final int index;

        ConditionFailed(int index) {
            super(null, null, false, false);
            this.index = index;
        }
    }

    /** Why a write on a live domain was refused, from the domain as read after it; {@code otherwise} null: a lost race. */
    static RuntimeException refusal(Optional<DomainItem> found, Refusal otherwise) {
        if (found.isEmpty()) return new RefusedException(Refusal.DOMAIN_MISSING);
        if (found.get().deleting()) return new RefusedException(Refusal.DOMAIN_DELETING);
        return otherwise == null ? changed() : new RefusedException(otherwise);
    }

    private static DecideAgainException changed() {
        return new DecideAgainException("a concurrent configuration change came first", false);
    }

    /**
     * Runs a read-decide-write of the configuration until it lands: a write that lost a race to another change (or was
     * throttled) is decided again by the store's one retry helper, with backoff, bounded in attempts and by the
     * deadline; then 429 with nothing written.
     */
    public static <T> T decidingAgain(Deadline deadline, Supplier<T> attempt) {
        try {
            return Retry.run(Retry.DECIDE_AGAIN, deadline, n -> attempt.get());
        } catch (ServiceException e) {
            // Retry words a lost race for profile keys; here other administrators were changing the configuration.
            if (e.getCause() instanceof DecideAgainException conflict && !conflict.throttled()) {
                throw new ServiceException(ServiceException.Type.ThrottlingException,
                        "The configuration is being changed concurrently; retry with backoff", conflict);
            }
            throw e;
        }
    }

    /** What a decision throws when what it read changed before it could write: {@link #decidingAgain} decides again. */
    public static RuntimeException changedMeanwhile(String what) {
        return new DecideAgainException(what, false);
    }
}

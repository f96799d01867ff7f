package org.openprofiles.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The profile aggregate in DynamoDB: profiles, the key values they hold and their objects. Owns
 * every key format (docs/data-model.md). Decisions are made by the caller on a {@link Snapshot}
 * read with strong consistency from the base table; {@link #write} commits one decision in one
 * transaction, conditioned on everything the decision read, so a stale decision never lands.
 */
public final class ProfileStore {
    private static final String REV = "rev";

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;
    public ProfileStore(DynamoDbClient dynamo, String tableName, Clock clock) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.clock = clock;
    }

    // ---- key formats --------------------------------------------------------------------------

    static String profilePk(String domain, String profileId) { return "D#" + domain + "#P#" + profileId; }

    static String keyPk(String domain, KeyValue key) { return "D#" + domain + "#K#" + key.keyName() + "#" + key.value(); }

    static String objectPk(String domain, String objectTypeName, String uniqueKey) {
        return "D#" + domain + "#O#" + objectTypeName + "#" + uniqueKey;
    }

    /** Index partition of a profile's objects of one type. */
    static String profileObjectsPk(String domain, String profileId, String objectTypeName) {
        return profilePk(domain, profileId) + "#T#" + objectTypeName;
    }

    /** Index partition of the objects of one type that matched no profile (see docs/data-model.md). */
    public static String unattachedObjectsPk(String domain, String objectTypeName) {
        return "D#" + domain + "#U#" + objectTypeName;
    }

    /** Every item of a domain's profiles, key values and objects starts with this (a deleted domain's erasure). */
    static String domainPrefix(String domain) { return "D#" + domain + "#"; }

    /** Key names never contain '#', so the first '#' separates name and value. */
    static String objectKey(KeyValue key) { return key.keyName() + "#" + key.value(); }

    // ---- reads ----------------------------------------------------------------------------------

    /**
     * One strongly consistent BatchGetItem of the given key values and the object (the base table,
     * never an index: resolution must see every write that finished before it began).
     */
    public Snapshot read(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey) {
        return read(domain, keys, objectTypeName, uniqueKey, null);
    }

    /** The same read, also fetching {@code config} (the domain's configuration item) when it is not null. */
    public Snapshot read(String domain, Collection<KeyValue> keys, String objectTypeName, String uniqueKey, ConfigRead config) {
        Map<String, KeyValue> keyByPk = new LinkedHashMap<>();
        for (KeyValue key : keys) keyByPk.put(keyPk(domain, key), key);
        String objectPk = objectPk(domain, objectTypeName, uniqueKey);

        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String pk : keyByPk.keySet()) wanted.add(Map.of(ProfilesTable.PARTITION_KEY, s(pk)));
        wanted.add(Map.of(ProfilesTable.PARTITION_KEY, s(objectPk)));
        if (config != null) wanted.add(config.startRead());

        Map<KeyValue, Snapshot.KeyState> keyStates = new HashMap<>();
        Snapshot.ObjectState objectState = null;
        for (Map<String, AttributeValue> item : batchGet(wanted)) {
            String pk = item.get(ProfilesTable.PARTITION_KEY).s();
            if (config != null && config.matches(pk)) {
                config.found(item);
            } else if (pk.equals(objectPk)) {
                ObjectItem object = ObjectItem.SCHEMA.mapToItem(item);
                objectState = new Snapshot.ObjectState(object.profileId());
            } else {
                KeyItem key = KeyItem.SCHEMA.mapToItem(item);
                keyStates.put(keyByPk.get(pk), new Snapshot.KeyState(key.profileIds(), key.rev()));
            }
        }
        return new Snapshot(keyStates, objectState);
    }

    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, KeysAndAttributes> request = Map.of(tableName,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        while (!request.isEmpty()) {
            Map<String, KeysAndAttributes> current = request;
            BatchGetItemResponse response = call(() -> dynamo.batchGetItem(r -> r.requestItems(current)));
            items.addAll(response.responses().getOrDefault(tableName, List.of()));
            // Unprocessed keys come back only under throttling; the SDK has already backed off.
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return items;
    }

    /** The profiles holding a key value (strongly consistent). */
    public Set<String> profilesWithKey(String domain, KeyValue key) {
        Map<String, AttributeValue> item = getItem(keyPk(domain, key));
        return item == null ? Set.of() : KeyItem.SCHEMA.mapToItem(item).profileIds();
    }

    /** The holders of many key values in one consistent BatchGetItem (at most 100 values). */
    public Map<KeyValue, Set<String>> holders(String domain, Collection<KeyValue> keys) {
        Map<String, KeyValue> keyByPk = new LinkedHashMap<>();
        for (KeyValue key : keys) keyByPk.put(keyPk(domain, key), key);
        Map<KeyValue, Set<String>> holders = new HashMap<>();
        if (keyByPk.isEmpty()) return holders;
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String pk : keyByPk.keySet()) wanted.add(Map.of(ProfilesTable.PARTITION_KEY, s(pk)));
        for (Map<String, AttributeValue> item : batchGet(wanted)) {
            KeyItem key = KeyItem.SCHEMA.mapToItem(item);
            holders.put(keyByPk.get(key.pk()), key.profileIds());
        }
        return holders;
    }

    /** The existing profiles among the given ids, in one consistent BatchGetItem (at most 100). */
    public Map<String, StoredProfile> profiles(String domain, Collection<String> profileIds) {
        Map<String, StoredProfile> profiles = new HashMap<>();
        if (profileIds.isEmpty()) return profiles;
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (String id : new LinkedHashSet<>(profileIds)) wanted.add(Map.of(ProfilesTable.PARTITION_KEY, s(profilePk(domain, id))));
        for (Map<String, AttributeValue> item : batchGet(wanted)) {
            ProfileItem profile = ProfileItem.SCHEMA.mapToItem(item);
            profiles.put(profile.profileId(), new StoredProfile(profile.profileId(), profile.fields()));
        }
        return profiles;
    }

    /**
     * One page of a profile's objects of one type, from the index (eventually consistent, like
     * the AWS service). With {@code anyOf}, only objects holding one of those key values.
     */
    public ObjectPage objects(String domain, String profileId, String objectTypeName, Collection<KeyValue> anyOf,
                              int limit, String nextToken) {
        String partition = profileObjectsPk(domain, profileId, objectTypeName);
        Map<String, String> names = new HashMap<>(Map.of("#gsi1pk", ProfilesTable.INDEX_PARTITION_KEY));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":partition", s(partition)));
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(tableName)
                .indexName(ProfilesTable.OBJECTS_BY_PROFILE_INDEX)
                .keyConditionExpression("#gsi1pk = :partition")
                .limit(limit)
                .exclusiveStartKey(PageTokens.decode(nextToken, partition));
        if (anyOf != null && !anyOf.isEmpty()) {
            List<String> terms = new ArrayList<>();
            int i = 0;
            for (KeyValue key : anyOf) {
                terms.add("contains(#objectKeys, :k" + i + ")");
                values.put(":k" + i, s(objectKey(key)));
                i++;
            }
            names.put("#objectKeys", "objectKeys");
            query.filterExpression(String.join(" OR ", terms));
        }
        QueryResponse page = call(() -> dynamo.query(query.expressionAttributeNames(names).expressionAttributeValues(values).build()));
        long now = clock.instant().getEpochSecond();
        List<StoredObject> objects = new ArrayList<>();
        for (Map<String, AttributeValue> attributes : page.items()) {
            ObjectItem item = ObjectItem.SCHEMA.mapToItem(attributes);
            // TTL deletes lazily: an expired object is gone for the API even before DynamoDB removes it.
            if (item.expiresAt() != null && item.expiresAt() <= now) continue;
            objects.add(new StoredObject(item.objectTypeName(), item.uniqueKey(), item.profileId(), item.object()));
        }
        return new ObjectPage(objects, PageTokens.encode(page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null));
    }

    public Optional<StoredProfile> profile(String domain, String profileId) {
        Map<String, AttributeValue> item = getItem(profilePk(domain, profileId));
        if (item == null) return Optional.empty();
        ProfileItem profile = ProfileItem.SCHEMA.mapToItem(item);
        return Optional.of(new StoredProfile(profile.profileId(), profile.fields()));
    }

    public Optional<StoredObject> object(String domain, String objectTypeName, String uniqueKey) {
        Map<String, AttributeValue> item = getItem(objectPk(domain, objectTypeName, uniqueKey));
        if (item == null) return Optional.empty();
        ObjectItem object = ObjectItem.SCHEMA.mapToItem(item);
        return Optional.of(new StoredObject(object.objectTypeName(), object.uniqueKey(), object.profileId(), object.object()));
    }

    private Map<String, AttributeValue> getItem(String pk) {
        var response = call(() -> dynamo.getItem(r -> r.tableName(tableName).consistentRead(true)
                .key(Map.of(ProfilesTable.PARTITION_KEY, s(pk)))));
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Commits one PutProfileObject atomically: the object, the profile (created, or its fields set)
     * and its key values, each conditioned on the revision seen in {@code seen}.
     *
     * @throws WriteConflictException when something the decision read has changed since
     */
    public void write(ObjectPut put, Snapshot seen) {
        long now = clock.instant().getEpochSecond();
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(objectPut(put, now));
        if (put.profileId() != null) {
            if (put.createProfile()) {
                actions.add(profileCreate(put, now));
            } else if (!put.profileFields().isEmpty()) {
                actions.add(profileUpdate(put, now));
            }
        }
        Set<KeyValue> added = put.profileId() == null ? Set.of() : new LinkedHashSet<>(put.profileKeys());
        Set<KeyValue> touched = new LinkedHashSet<>(added);
        touched.addAll(put.decisionKeys());
        for (KeyValue key : touched) {
            Snapshot.KeyState state = seen.keys().get(key);
            boolean adds = added.contains(key) && (state == null || !state.profileIds().contains(put.profileId()));
            if (adds) {
                actions.add(keyAdd(put.domainName(), key, state, put.profileId()));
            } else if (put.decisionKeys().contains(key)) {
                actions.add(TransactWriteItem.builder().conditionCheck(keyUnchanged(put.domainName(), key, state)).build());
            }
        }
        transact(actions);
    }

    /**
     * The object is written whatever a concurrent put wrote (last writer wins, as a replace does):
     * the keys guard the resolution. Only a decision to keep the object where it was rests on it.
     */
    /**
     * Adds key values to an existing profile in one transaction: a ConditionCheck that the profile
     * exists, then for each value the profile joins its holders. A value's revision always moves,
     * so a PutProfileObject that decided on the old holders decides again.
     *
     * @throws ServiceException ResourceNotFoundException when the profile does not exist
     * @throws WriteConflictException when a concurrent transaction touched the same items
     */
    public void addKeys(String domain, String profileId, Collection<KeyValue> keys) {
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                .key(Map.of(ProfilesTable.PARTITION_KEY, s(profilePk(domain, profileId))))
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY))
                .build()).build());
        for (KeyValue key : new LinkedHashSet<>(keys)) {
            actions.add(TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                    .key(Map.of(ProfilesTable.PARTITION_KEY, s(keyPk(domain, key))))
                    .updateExpression("ADD #ids :id, #rev :one SET #keyName = :keyName, #keyValue = :keyValue")
                    .expressionAttributeNames(Map.of("#ids", "profileIds", "#rev", REV, "#keyName", "keyName", "#keyValue", "keyValue"))
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(profileId)), ":one", n(1),
                            ":keyName", s(key.keyName()), ":keyValue", s(key.value())))
                    .build()).build());
        }
        try {
            call(() -> dynamo.transactWriteItems(r -> r.transactItems(actions)));
        } catch (TransactionCanceledException e) {
            if (!e.cancellationReasons().isEmpty() && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                throw ServiceException.notFound("Profile '" + profileId + "' does not exist in domain '" + domain + "'");
            }
            throw translate(e);
        }
    }

    private TransactWriteItem objectPut(ObjectPut put, long now) {
        Set<String> objectKeys = new LinkedHashSet<>();
        for (KeyValue key : put.objectKeys()) objectKeys.add(objectKey(key));
        String gsi1pk = put.profileId() == null
                ? unattachedObjectsPk(put.domainName(), put.objectTypeName())
                : profileObjectsPk(put.domainName(), put.profileId(), put.objectTypeName());
        ObjectItem item = new ObjectItem(objectPk(put.domainName(), put.objectTypeName(), put.uniqueKey()),
                put.objectTypeName(), put.uniqueKey(), put.profileId(), put.object(), objectKeys,
                now, put.expiresAt(), gsi1pk, put.uniqueKey());
        Put.Builder p = Put.builder().tableName(tableName).item(ObjectItem.SCHEMA.itemToMap(item, true));
        if (put.keptProfileId() != null) {
            p.conditionExpression("#profileId = :kept")
                    .expressionAttributeNames(Map.of("#profileId", "profileId"))
                    .expressionAttributeValues(Map.of(":kept", s(put.keptProfileId())));
        }
        return TransactWriteItem.builder().put(p.build()).build();
    }

    private TransactWriteItem profileCreate(ObjectPut put, long now) {
        ProfileItem item = new ProfileItem(profilePk(put.domainName(), put.profileId()), put.profileId(), now, now,
                put.profileFields());
        Put p = Put.builder().tableName(tableName).item(ProfileItem.SCHEMA.itemToMap(item, true))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY))
                .build();
        return TransactWriteItem.builder().put(p).build();
    }

    /** Sets only the given fields: an ingestion never blanks a field it has no value for. */
    private TransactWriteItem profileUpdate(ObjectPut put, long now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder expression = new StringBuilder("SET #updatedAt = :now");
        names.put("#pk", ProfilesTable.PARTITION_KEY);
        names.put("#updatedAt", "updatedAt");
        names.put("#fields", ProfileItem.FIELDS);
        values.put(":now", n(now));
        int i = 0;
        for (Map.Entry<String, String> field : put.profileFields().entrySet()) {
            names.put("#f" + i, field.getKey());
            values.put(":f" + i, s(field.getValue()));
            expression.append(", #fields.#f").append(i).append(" = :f").append(i);
            i++;
        }
        Update u = Update.builder().tableName(tableName)
                .key(Map.of(ProfilesTable.PARTITION_KEY, s(profilePk(put.domainName(), put.profileId()))))
                .updateExpression(expression.toString())
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
        return TransactWriteItem.builder().update(u).build();
    }

    private TransactWriteItem keyAdd(String domain, KeyValue key, Snapshot.KeyState seen, String profileId) {
        Set<String> holders = new LinkedHashSet<>(seen == null ? Set.of() : seen.profileIds());
        holders.add(profileId);
        KeyItem item = new KeyItem(keyPk(domain, key), key.keyName(), key.value(), holders, seen == null ? 1 : seen.rev() + 1);
        Put.Builder p = Put.builder().tableName(tableName).item(KeyItem.SCHEMA.itemToMap(item, true));
        revCondition(seen == null ? null : seen.rev(), p::conditionExpression, p::expressionAttributeNames, p::expressionAttributeValues);
        return TransactWriteItem.builder().put(p.build()).build();
    }

    private ConditionCheck keyUnchanged(String domain, KeyValue key, Snapshot.KeyState seen) {
        ConditionCheck.Builder c = ConditionCheck.builder().tableName(tableName)
                .key(Map.of(ProfilesTable.PARTITION_KEY, s(keyPk(domain, key))));
        revCondition(seen == null ? null : seen.rev(), c::conditionExpression, c::expressionAttributeNames, c::expressionAttributeValues);
        return c.build();
    }

    /** The item is still absent (seenRev null) or still at the revision that was read. */
    private static void revCondition(Long seenRev, java.util.function.Consumer<String> expression,
                                     java.util.function.Consumer<Map<String, String>> names,
                                     java.util.function.Consumer<Map<String, AttributeValue>> values) {
        if (seenRev == null) {
            expression.accept("attribute_not_exists(#pk)");
            names.accept(Map.of("#pk", ProfilesTable.PARTITION_KEY));
        } else {
            expression.accept("#rev = :rev");
            names.accept(Map.of("#rev", REV));
            values.accept(Map.of(":rev", n(seenRev)));
        }
    }

    private void transact(List<TransactWriteItem> actions) {
        try {
            call(() -> dynamo.transactWriteItems(r -> r.transactItems(actions)));
        } catch (TransactionCanceledException e) {
            throw translate(e);
        }
    }

    private static RuntimeException translate(TransactionCanceledException e) {
        boolean conflict = false;
        for (CancellationReason reason : e.cancellationReasons()) {
            String code = reason.code();
            if ("ThrottlingError".equals(code) || "ProvisionedThroughputExceeded".equals(code)) {
                return throttled(e);
            }
            if ("ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code)) conflict = true;
        }
        return conflict ? new WriteConflictException("a concurrent write changed what this request read") : e;
    }

    /** Runs one DynamoDB call, turning throttling (after the SDK's own retries) into a 429. */
    private static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (TransactionCanceledException e) {
            throw e;
        } catch (SdkServiceException e) {
            if (e.isThrottlingException()) throw throttled(e);
            throw e;
        }
    }

    private static ServiceException throttled(Exception cause) {
        return new ServiceException(ServiceException.Type.ThrottlingException,
                "Rate exceeded: the profile store is throttling requests; retry with backoff", cause);
    }

    static AttributeValue s(String value) { return AttributeValue.fromS(value); }

    static AttributeValue n(long value) { return AttributeValue.fromN(Long.toString(value)); }
}

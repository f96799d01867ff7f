package org.openprofiles.store.config;

import static org.openprofiles.store.config.ConfigItems.domainPk;
import static org.openprofiles.store.config.ConfigItems.typePk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Strongly consistent reads of the configuration: every one a BatchGetItem (the one read every function may make),
 * ended by the caller's deadline. The domain item can also be read inside another request's own BatchGetItem
 * ({@link #probe}), so checking a cached configuration costs no extra call.
 */
public final class ConfigReads {
    private final DynamoCalls calls;

    public ConfigReads(DynamoDbClient dynamo, String tableName) {
        this(new DynamoCalls(dynamo, tableName));
    }

    ConfigReads(DynamoCalls calls) {
        this.calls = calls;
    }

    /** The domain item, to read inside a request's own consistent BatchGetItem. */
    public ConfigRead probe(String domain) {
        return new ConfigRead(domainPk(domain));
    }

    /** What {@code probe} found in the read it took part in. */
    public static Optional<DomainItem> domainItem(ConfigRead probe) {
        return Optional.ofNullable(probe.item()).map(ConfigItems::domainItem);
    }

    public Optional<DomainItem> domain(String name, Deadline deadline) {
        return Optional.ofNullable(items(List.of(domainPk(name)), deadline).get(domainPk(name))).map(ConfigItems::domainItem);
    }

    public record DomainAndType(Optional<DomainItem> domain, Optional<TypeItem> type) {}

    /** The domain item and one type item, in one consistent read. */
    public DomainAndType domainAndType(String domain, String type, Deadline deadline) {
        Map<String, Map<String, AttributeValue>> items = items(List.of(domainPk(domain), typePk(domain, type)), deadline);
        return new DomainAndType(Optional.ofNullable(items.get(domainPk(domain))).map(ConfigItems::domainItem),
                Optional.ofNullable(items.get(typePk(domain, type))).map(ConfigItems::typeItem));
    }

    /** Type items by name (those that exist). */
    public Map<String, TypeItem> types(String domain, Collection<String> names, Deadline deadline) {
        List<String> pks = new ArrayList<>();
        for (String name : names) pks.add(typePk(domain, name));
        Map<String, TypeItem> types = new HashMap<>();
        for (Map<String, AttributeValue> item : items(pks, deadline).values()) {
            TypeItem type = ConfigItems.typeItem(item);
            types.put(type.name(), type);
        }
        return types;
    }

    /** Domain items by name (those that exist). */
    public Map<String, DomainItem> domains(Collection<String> names, Deadline deadline) {
        List<String> pks = new ArrayList<>();
        for (String name : names) pks.add(domainPk(name));
        Map<String, DomainItem> domains = new HashMap<>();
        for (Map<String, AttributeValue> item : items(pks, deadline).values()) {
            DomainItem domain = ConfigItems.domainItem(item);
            domains.put(domain.name(), domain);
        }
        return domains;
    }

    public Registry registry(Deadline deadline) {
        return ConfigItems.registry(items(List.of(ConfigItems.REGISTRY_PK), deadline).get(ConfigItems.REGISTRY_PK));
    }

    /** Configuration items by key (those that exist), through the call layer's BatchGetItem (chunks, unprocessed keys). */
    Map<String, Map<String, AttributeValue>> items(Collection<String> pks, Deadline deadline) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String pk : new LinkedHashSet<>(pks)) keys.add(DynamoCalls.itemKey(pk));
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        for (Map<String, AttributeValue> item : calls.batchGet(keys, deadline)) {
            items.put(item.get(ProfilesTable.PARTITION_KEY).s(), item);
        }
        return items;
    }
}

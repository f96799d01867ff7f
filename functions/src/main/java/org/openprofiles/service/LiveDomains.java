package org.openprofiles.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.openprofiles.config.DefaultCalculatedAttributes;
import org.openprofiles.config.DomainConfigException;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.config.Templates;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.DomainItem;
import org.openprofiles.store.config.TypeItem;
import org.openprofiles.store.table.DynamoDbClients;

/**
 * The configuration as it is in the table, compiled once per version and cached per container.
 * Whether the cached domain is current is decided on a strongly consistent read of the domain's
 * item (its {@code version} changes with every change to the domain or its types): folded into
 * PutProfileObject's own BatchGetItem, or one small read for the other operations. A stale cache
 * costs one more read (the type items) and the request decides again; a deleted domain is a 404 at once.
 */
public final class LiveDomains implements Domains {
    /** Where priming goes when no domain exists yet: its requests end in a harmless 404. */
    static final String PRIMING_DOMAIN = "openprofiles-priming";

    private final ConfigReads reads;
    private final Map<String, ConfiguredDomain> cache = new ConcurrentHashMap<>();

    public LiveDomains(ConfigReads reads) {
        this.reads = reads;
    }

    @Override
    public ConfiguredDomain current(String domainName, Deadline deadline) {
        return refresh(domainName, reads.domain(domainName, deadline), deadline);
    }

    @Override
    public ConfiguredDomain cached(String domainName, Deadline deadline) {
        ConfiguredDomain cached = cache.get(domainName);
        return cached != null ? cached : current(domainName, deadline);
    }

    @Override
    public ConfigRead probe(String domainName) {
        return reads.probe(domainName);
    }

    @Override
    public ConfiguredDomain confirm(ConfiguredDomain used, ConfigRead probe, Deadline deadline) {
        Optional<DomainItem> item = ConfigReads.domainItem(probe);
        if (item.isPresent() && !item.get().deleting() && item.get().version().equals(used.version())) return used;
        return refresh(used.domain().name(), item, deadline);
    }

    @Override
    public String first() {
        // Priming runs outside any request: one call's time, as the client's own timeout gives it.
        return reads.registry(Deadline.in(DynamoDbClients.CALL_TIMEOUT)).domains().stream().findFirst().orElse(PRIMING_DOMAIN);
    }

    private ConfiguredDomain refresh(String domainName, Optional<DomainItem> read, Deadline deadline) {
        if (read.isEmpty() || read.get().deleting()) {
            cache.remove(domainName);
            throw ServiceException.notFound("Domain '" + domainName + "' does not exist");
        }
        DomainItem item = read.get();
        ConfiguredDomain cached = cache.get(domainName);
        if (cached != null && item.version().equals(cached.version())) return cached;
        ConfiguredDomain fresh = new ConfiguredDomain(compile(item, reads.types(domainName, item.types(), deadline)), item.version());
        cache.put(domainName, fresh);
        return fresh;
    }

    /**
     * A domain from its items. The types were validated when they were put; one that no longer
     * passes (rules tightened by an upgrade) is left out and reported, never half-applied.
     */
    static Domain compile(DomainItem item, Map<String, TypeItem> typeItems) {
        Map<String, ObjectType> types = new LinkedHashMap<>();
        for (String name : new TreeSet<>(item.types())) {
            TypeItem type = typeItems.get(name);
            if (type == null || type.deleting()) continue; // deleted after the domain item was read: the next read sees it
            try {
                types.put(name, DomainLoader.objectType(name, Json.parse(type.definition())));
            } catch (DomainConfigException e) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("level", "ERROR");
                line.put("event", "objectTypeNoLongerValid");
                line.put("domain", item.name());
                line.put("objectType", name);
                line.put("error", e.getMessage());
                System.out.println(Json.write(line));
            }
        }
        Map<String, org.openprofiles.calculated.Definition> calculated = DefaultCalculatedAttributes.effective(item.calculated(),
                item.deletedDefaults(), (name, error) -> {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("level", "ERROR");
                    line.put("event", "calculatedAttributeNoLongerValid");
                    line.put("domain", item.name());
                    line.put("calculatedAttribute", name);
                    line.put("error", error);
                    System.out.println(Json.write(line));
                });
        return new Domain(item.name(), DomainSettings.defaultExpirationDays(item.definition()), types, Templates.builtIn(), calculated);
    }
}

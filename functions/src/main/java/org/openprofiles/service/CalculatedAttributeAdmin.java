package org.openprofiles.service;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.openprofiles.calculated.Definition;
import org.openprofiles.config.CalculatedAttributeRules;
import org.openprofiles.config.CalculatedAttributeShape;
import org.openprofiles.config.DefaultCalculatedAttributes;
import org.openprofiles.config.DomainConfigException;
import org.openprofiles.config.Templates;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.config.CalculatedAttributeWrites;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.DomainItem;
import org.openprofiles.store.config.Refusal;
import org.openprofiles.store.config.RefusedException;

/**
 * Create/Get/Update/Delete/ListCalculatedAttributeDefinition(s), and the domain files' calculated attributes. Each
 * change reads the domain's item, decides on it (quota, names, the definition's rules: {@link CalculatedAttributeRules},
 * the same code the domain files obey) and replaces the domain's definitions conditioned on the version read; a lost
 * race decides again ({@link ConfigWrites#decidingAgain}).
 */
public final class CalculatedAttributeAdmin {
    private final ConfigReads reads;
    private final CalculatedAttributeWrites writes;
    private final Clock clock;

    public CalculatedAttributeAdmin(ConfigReads reads, CalculatedAttributeWrites writes, Clock clock) {
        this.reads = reads;
        this.writes = writes;
        this.clock = clock;
    }

    /** A domain's definitions as read: stored JSON by name, deleted defaults, and all in effect. */
    private record Read(DomainItem item, Map<String, String> stored, Set<String> deletedDefaults, Map<String, Definition> effective) {
        static Read of(DomainItem item) {
            return new Read(item, new TreeMap<>(item.calculated()), new TreeSet<>(item.deletedDefaults()),
                    DefaultCalculatedAttributes.effective(item.calculated(), item.deletedDefaults(), (name, error) -> { }));
        }

        Definition existing(String name) {
            Definition d = effective.get(name);
            if (d == null) {
                throw ServiceException.notFound("Calculated attribute '" + name + "' does not exist in domain '" + item.name() + "'");
            }
            return d;
        }
    }

    public Map<String, Object> create(String domainName, String attributeName, String body, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String name = checked(() -> CalculatedAttributeRules.checkName(attributeName));
        Map<String, Object> request = RequestFields.parseBody(body);
        Definition created = change(domain, deadline, read -> {
            if (read.effective().containsKey(name)) {
                throw ServiceException.badRequest("Calculated attribute '" + name + "' already exists in domain '" + domain + "'");
            }
            if (read.effective().size() >= CalculatedAttributeRules.MAX_PER_DOMAIN) {
                throw ServiceException.badRequest("Domain '" + domain + "' already has " + CalculatedAttributeRules.MAX_PER_DOMAIN
                        + " calculated attributes (Amazon Connect's defaults count), the most a domain may have");
            }
            Definition definition = checked(() -> CalculatedAttributeRules.create(name, request,
                    type -> read.item().types().contains(type) || Templates.builtIn().containsKey(type), now()));
            read.stored().put(name, CalculatedAttributeShape.stored(definition));
            read.deletedDefaults().remove(name);
            return definition;
        });
        return CalculatedAttributeShape.definition(created, true);
    }

    public Map<String, Object> get(String domainName, String attributeName, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String name = checked(() -> CalculatedAttributeRules.checkName(attributeName));
        return CalculatedAttributeShape.definition(read(domain, deadline).existing(name), true);
    }

    public Map<String, Object> update(String domainName, String attributeName, String body, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String name = checked(() -> CalculatedAttributeRules.checkName(attributeName));
        Map<String, Object> request = body == null || body.isBlank() ? Map.of() : RequestFields.parseBody(body);
        Definition updated = change(domain, deadline, read -> {
            Definition definition = checked(() -> CalculatedAttributeRules.update(read.existing(name), request, now()));
            read.stored().put(name, CalculatedAttributeShape.stored(definition));
            return definition;
        });
        return CalculatedAttributeShape.definition(updated, false); // the model's Update response has no Filter
    }

    public Map<String, Object> delete(String domainName, String attributeName, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String name = checked(() -> CalculatedAttributeRules.checkName(attributeName));
        change(domain, deadline, read -> {
            read.existing(name);
            read.stored().remove(name);
            // A deleted default stays deleted: "you will need to recreate it on your own".
            if (DefaultCalculatedAttributes.ALL.containsKey(name)) read.deletedDefaults().add(name);
            return null;
        });
        return Map.of();
    }

    public Map<String, Object> list(String domainName, String maxResults, String nextToken, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        int max = RequestFields.maxResults(maxResults);
        String token = RequestFields.nextToken(nextToken);
        Read read = read(domain, deadline);
        DomainAdminService.Page page = DomainAdminService.Page.of(read.effective().keySet(), max, token);
        List<Object> items = new ArrayList<>();
        for (String name : page.names()) items.add(CalculatedAttributeShape.listItem(read.effective().get(name)));
        return page.response(items);
    }

    /**
     * A domain file's calculated attributes, create-or-replace: an attribute whose definition is unchanged is left as it
     * is (its creation time and data start too); Amazon Connect's defaults and attributes the file does not name are left.
     */
    void applyFile(String file, String domain, Map<String, Object> definitions, Deadline deadline) {
        if (definitions.isEmpty()) return;
        try {
            change(domain, deadline, read -> {
                boolean changed = false;
                for (Map.Entry<String, Object> entry : definitions.entrySet()) {
                    String name = entry.getKey();
                    Definition current = read.effective().get(name);
                    Definition wanted = CalculatedAttributeRules.create(name, entry.getValue(),
                            type -> read.item().types().contains(type) || Templates.builtIn().containsKey(type),
                            current != null && current.createdAt() != null ? current.createdAt() : now());
                    if (current != null && !current.builtIn() && sameDefinition(current, wanted)) continue;
                    read.stored().put(name, CalculatedAttributeShape.stored(wanted));
                    read.deletedDefaults().remove(name);
                    changed = true;
                }
                if (DefaultCalculatedAttributes.effective(read.stored(), read.deletedDefaults(), (n, e) -> { }).size()
                        > CalculatedAttributeRules.MAX_PER_DOMAIN) {
                    throw new DomainConfigException("more than " + CalculatedAttributeRules.MAX_PER_DOMAIN + " calculated attributes");
                }
                return changed ? Boolean.TRUE : null;
            });
        } catch (DomainConfigException | ServiceException e) {
            throw new IllegalStateException(file + ": calculated attributes of domain '" + domain + "' could not be applied: " + e.getMessage(), e);
        }
    }

    private static boolean sameDefinition(Definition a, Definition b) {
        return CalculatedAttributeShape.definition(a, true).entrySet().stream().filter(e -> !e.getKey().endsWith("At"))
                .toList().equals(CalculatedAttributeShape.definition(b, true).entrySet().stream().filter(e -> !e.getKey().endsWith("At")).toList());
    }

    /** One read-decide-write of the domain's definitions; {@code decide} changes {@code read}'s maps (a null answer: no write). */
    private <T> T change(String domain, Deadline deadline, java.util.function.Function<Read, T> decide) {
        try {
            return ConfigWrites.decidingAgain(deadline, () -> {
                Read read = read(domain, deadline);
                T result = decide.apply(read);
                if (result != null || !read.stored().equals(read.item().calculated()) || !read.deletedDefaults().equals(read.item().deletedDefaults())) {
                    writes.replace(domain, read.item().version(), read.stored(), read.deletedDefaults(), deadline);
                }
                return result;
            });
        } catch (RefusedException e) {
            throw ServiceException.notFound(e.refusal() == Refusal.DOMAIN_DELETING ? "Domain '" + domain + "' was deleted; its data is being erased"
                    : "Domain '" + domain + "' does not exist");
        }
    }

    private Read read(String domain, Deadline deadline) {
        Optional<DomainItem> item = reads.domain(domain, deadline);
        return Read.of(DomainAdminService.liveDomain(domain, item));
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    /** A rule broken: a 400 with the rule's own words. */
    private static <T> T checked(Supplier<T> rule) {
        try {
            return rule.get();
        } catch (DomainConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
    }
}

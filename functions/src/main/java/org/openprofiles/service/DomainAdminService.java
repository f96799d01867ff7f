package org.openprofiles.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openprofiles.config.DomainConfigException;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.config.KeyContentTypes;
import org.openprofiles.config.Names;
import org.openprofiles.config.Templates;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.DomainItem;
import org.openprofiles.store.config.Refusal;
import org.openprofiles.store.config.RefusedException;
import org.openprofiles.store.config.TypeItem;

/**
 * Runtime administration: domains, object types and templates. Object type definitions
 * are validated by the very code that validates the domain files ({@link DomainLoader#objectType});
 * the results are the service model's shapes, timestamps in epoch seconds. Every read and write is ended by the
 * request's deadline; a write that lost a race to another change is decided again ({@link ConfigWrites#decidingAgain}).
 */
public final class DomainAdminService {
    static final String ERASURE_HINT = "GetDomain answers \"does not exist\" once it finished";

    private final ConfigReads reads;
    private final ConfigWrites writes;
    private final Clock clock;
    private final Duration erasureGrace;
    private final CalculatedAttributeAdmin calculatedAttributes;

    /**
     * @param erasureGrace how long after a deletion its erasure may start: longer than any request
     *                     that saw the domain or type can still run (see {@link ErasureWorker#GRACE})
     */
    public DomainAdminService(ConfigReads reads, ConfigWrites writes, Clock clock, Duration erasureGrace) {
        this.reads = reads;
        this.writes = writes;
        this.clock = clock;
        this.erasureGrace = erasureGrace;
        this.calculatedAttributes = new CalculatedAttributeAdmin(reads, writes.calculatedAttributes(), clock);
    }

    /** The calculated attribute definitions' administration, over the same configuration. */
    public CalculatedAttributeAdmin calculatedAttributes() {
        return calculatedAttributes;
    }

    // ---- domains ------------------------------------------------------------------------------

    public Map<String, Object> createDomain(String domainName, String body, Deadline deadline) {
        String name = DomainNames.check(domainName);
        Map<String, Object> settings = DomainSettings.parse(RequestFields.parseBody(body), true);
        try {
            return domainShape(ConfigWrites.decidingAgain(deadline, () -> writes.createDomain(name, Json.write(settings), now(), deadline)));
        } catch (RefusedException e) {
            if (e.refusal() == Refusal.DOMAIN_DELETING) {
                throw ServiceException.badRequest("Domain '" + name + "' was deleted and its data is still being erased; "
                        + "create it again once the erasure finished (" + ERASURE_HINT + ")");
            }
            throw ServiceException.badRequest("Domain '" + name + "' already exists");
        }
    }

    public Map<String, Object> getDomain(String domainName, Deadline deadline) {
        String name = DomainNames.check(domainName);
        return domainShape(liveDomain(name, reads.domain(name, deadline)));
    }

    public Map<String, Object> updateDomain(String domainName, String body, Deadline deadline) {
        String name = DomainNames.check(domainName);
        Map<String, Object> changes = DomainSettings.parse(body == null || body.isBlank() ? Map.of() : RequestFields.parseBody(body), false);
        try {
            // The changes go onto the settings as read; another change first: read them again.
            return domainShape(ConfigWrites.decidingAgain(deadline, () -> {
                DomainItem current = liveDomain(name, reads.domain(name, deadline));
                Map<String, Object> settings = settings(current);
                settings.putAll(changes);
                return writes.updateDomain(name, current.version(), Json.write(settings), now(), deadline);
            }));
        } catch (RefusedException e) {
            throw domainNotFound(name, e.refusal());
        }
    }

    public Map<String, Object> listDomains(String maxResults, String nextToken, Deadline deadline) {
        Page page = Page.of(reads.registry(deadline).domains(), RequestFields.maxResults(maxResults), RequestFields.nextToken(nextToken));
        Map<String, DomainItem> domains = reads.domains(page.names(), deadline);
        List<Object> items = new ArrayList<>();
        for (String name : page.names()) {
            DomainItem domain = domains.get(name);
            if (domain == null || domain.deleting()) continue;
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("DomainName", name);
            item.put("CreatedAt", domain.createdAt());
            item.put("LastUpdatedAt", domain.updatedAt());
            Object tags = settings(domain).get("Tags");
            if (tags != null) item.put("Tags", tags);
            items.add(item);
        }
        return page.response(items);
    }

    public Map<String, Object> deleteDomain(String domainName, Deadline deadline) {
        String name = DomainNames.check(domainName);
        long now = now();
        try {
            ConfigWrites.decidingAgain(deadline, () -> {
                writes.deleteDomain(name, now, now + erasureGrace.toSeconds(), deadline);
                return null;
            });
        } catch (RefusedException e) {
            throw domainNotFound(name, e.refusal());
        }
        return Map.of("Message", "Domain '" + name + "' was deleted; its data is being erased in the background ("
                + ERASURE_HINT + ")");
    }

    // ---- object types -------------------------------------------------------------------------

    public Map<String, Object> putObjectType(String domainName, String objectTypeName, String body, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String typeName = typeName(objectTypeName);
        Map<String, Object> definition = RequestFields.parseBody(body);
        ObjectType type;
        try {
            type = DomainLoader.objectType(typeName, definition);
        } catch (DomainConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
        checkKeysAgainstTheDomain(domain, type, deadline);
        String json = Json.write(definition);
        long now = now();
        long createdAt;
        try {
            createdAt = ConfigWrites.decidingAgain(deadline, () -> writes.putType(domain, typeName, json, now, DomainLoader.MAX_TYPES_PER_DOMAIN, deadline));
        } catch (RefusedException e) {
            switch (e.refusal()) {
                case TYPE_DELETING -> throw ServiceException.badRequest("Object type '" + typeName + "' of domain '" + domain
                        + "' was deleted and its objects are still being erased; put it again once GetProfileObjectType answers "
                        + "\"does not exist\"");
                case TOO_MANY_TYPES -> throw ServiceException.badRequest("Domain '" + domain + "' already has "
                        + DomainLoader.MAX_TYPES_PER_DOMAIN + " object types, the most a domain may have");
                default -> throw domainNotFound(domain, e.refusal());
            }
        }
        return typeShape(typeName, definition, type, createdAt, now);
    }

    public Map<String, Object> getObjectType(String domainName, String objectTypeName, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String typeName = typeName(objectTypeName);
        ConfigReads.DomainAndType read = reads.domainAndType(domain, typeName, deadline);
        DomainItem domainItem = liveDomain(domain, read.domain());
        TypeItem item = liveType(domainItem, typeName, read.type());
        @SuppressWarnings("unchecked")
        Map<String, Object> definition = (Map<String, Object>) Json.parse(item.definition());
        return typeShape(typeName, definition, DomainLoader.objectType(typeName, definition), item.createdAt(), item.updatedAt());
    }

    public Map<String, Object> listObjectTypes(String domainName, String maxResults, String nextToken, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        int max = RequestFields.maxResults(maxResults);
        String token = RequestFields.nextToken(nextToken);
        DomainItem domainItem = liveDomain(domain, reads.domain(domain, deadline));
        Page page = Page.of(domainItem.types(), max, token);
        Map<String, TypeItem> types = reads.types(domain, page.names(), deadline);
        List<Object> items = new ArrayList<>();
        for (String name : page.names()) {
            TypeItem type = types.get(name);
            if (type == null || type.deleting()) continue;
            Map<?, ?> definition = (Map<?, ?>) Json.parse(type.definition());
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("ObjectTypeName", name);
            item.put("Description", definition.get("Description"));
            item.put("CreatedAt", type.createdAt());
            item.put("LastUpdatedAt", type.updatedAt());
            if (definition.get("Tags") != null) item.put("Tags", definition.get("Tags"));
            items.add(item);
        }
        return page.response(items);
    }

    public Map<String, Object> deleteObjectType(String domainName, String objectTypeName, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String typeName = typeName(objectTypeName);
        long now = now();
        try {
            ConfigWrites.decidingAgain(deadline, () -> {
                writes.deleteType(domain, typeName, now, now + erasureGrace.toSeconds(), deadline);
                return null;
            });
        } catch (RefusedException e) {
            if (e.refusal() == Refusal.TYPE_MISSING) throw typeNotFound(domain, typeName);
            throw domainNotFound(domain, e.refusal());
        }
        return Map.of("Message", "Object type '" + typeName + "' was deleted from domain '" + domain
                + "'; its objects are being erased in the background (GetProfileObjectType answers \"does not exist\" once it finished)");
    }

    // ---- templates ----------------------------------------------------------------------------

    public Map<String, Object> listTemplates(String maxResults, String nextToken) {
        Map<String, Templates.Template> byId = new TreeMap<>();
        for (Templates.Template template : Templates.all()) byId.put(template.templateId(), template);
        Page page = Page.of(byId.keySet(), RequestFields.maxResults(maxResults), RequestFields.nextToken(nextToken));
        List<Object> items = new ArrayList<>();
        for (String id : page.names()) {
            Templates.Template template = byId.get(id);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("TemplateId", id);
            item.put("SourceName", template.sourceName());
            item.put("SourceObject", template.sourceObject());
            items.add(item);
        }
        return page.response(items);
    }

    public Map<String, Object> getTemplate(String templateId) {
        String id = RequestFields.requiredUriMember(templateId, "TemplateId");
        RequestFields.checkLength("TemplateId", id, Names.NAME_MIN, Names.NAME_MAX);
        RequestFields.checkPattern("TemplateId", id, Names.NAME);
        Templates.Template template = Templates.get(id);
        if (template == null) {
            throw ServiceException.notFound("Template '" + id + "' does not exist (built in: "
                    + String.join(", ", Templates.all().stream().map(Templates.Template::templateId).toList()) + ")");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("TemplateId", id);
        body.put("SourceName", template.sourceName());
        body.put("SourceObject", template.sourceObject());
        for (String member : List.of("AllowProfileCreation", "Fields", "Keys")) {
            if (template.definition().containsKey(member)) body.put(member, template.definition().get(member));
        }
        return body;
    }

    // ---- the domain files ---------------------------------------------------------------------

    /**
     * Applies the domain files as create-or-replace of what they name (at deploy and at local
     * start): each domain is created, or its DefaultExpirationDays set; each of its object types is
     * put, then each of its calculated attributes. Domains, types and attributes the files do not name are left as they are.
     *
     * @throws DomainConfigException when a file breaks a rule (nothing of that file is applied)
     * @throws IllegalStateException when a domain a file names is still being erased, or could not be applied
     */
    public void applyFiles(Map<String, String> files, Deadline deadline) {
        for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
            DomainLoader.DomainFile parsed = DomainLoader.parseFile(file.getKey(), file.getValue());
            String name = parsed.domain().name();
            Map<String, Object> days = Map.of(DomainSettings.DEFAULT_EXPIRATION_DAYS,
                    new Json.JsonNumber(Integer.toString(parsed.domain().defaultExpirationDays())));
            try {
                ConfigWrites.decidingAgain(deadline, () -> {
                    applyDomain(file.getKey(), name, days, deadline);
                    return null;
                });
            } catch (ServiceException e) {
                throw new IllegalStateException(file.getKey() + ": domain '" + name + "' could not be applied: " + e.getMessage(), e);
            }
            for (Map.Entry<String, Object> type : parsed.typeDefinitions().entrySet()) {
                try {
                    ConfigWrites.decidingAgain(deadline, () -> writes.putType(name, type.getKey(), Json.write(type.getValue()), now(),
                            DomainLoader.MAX_TYPES_PER_DOMAIN, deadline));
                } catch (RefusedException e) {
                    throw new IllegalStateException(file.getKey() + ": object type '" + type.getKey() + "' could not be applied: "
                            + (e.refusal() == Refusal.TYPE_DELETING ? "it was deleted and its objects are still being erased" : e.refusal()));
                }
            }
            calculatedAttributes.applyFile(file.getKey(), name, parsed.calculatedDefinitions(), deadline);
        }
    }

    /** One attempt at a file's domain: created, or its DefaultExpirationDays set when they differ. */
    private void applyDomain(String file, String name, Map<String, Object> days, Deadline deadline) {
        Optional<DomainItem> current = reads.domain(name, deadline);
        if (current.isPresent() && current.get().deleting()) {
            throw new IllegalStateException(file + ": domain '" + name
                    + "' was deleted and its data is still being erased; apply the files again once that finished");
        }
        try {
            if (current.isEmpty()) {
                writes.createDomain(name, Json.write(days), now(), deadline);
                return;
            }
            Map<String, Object> settings = settings(current.get());
            if (days.equals(Map.of(DomainSettings.DEFAULT_EXPIRATION_DAYS, settings.get(DomainSettings.DEFAULT_EXPIRATION_DAYS)))) return;
            settings.putAll(days);
            writes.updateDomain(name, current.get().version(), Json.write(settings), now(), deadline);
        } catch (RefusedException e) {
            // Created, or deleted, since it was read: read it again and decide again.
            throw ConfigWrites.changedMeanwhile("the domain changed while the files were applied");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Spec 2.1, as for the files: the type's keys keep the ContentTypes the domain's other types give them. */
    private void checkKeysAgainstTheDomain(String domain, ObjectType type, Deadline deadline) {
        DomainItem domainItem = liveDomain(domain, reads.domain(domain, deadline));
        Map<String, ObjectType> others = new LinkedHashMap<>();
        for (TypeItem other : reads.types(domain, domainItem.types(), deadline).values()) {
            if (other.deleting() || other.name().equals(type.name())) continue;
            try {
                others.put(other.name(), DomainLoader.objectType(other.name(), Json.parse(other.definition())));
            } catch (DomainConfigException e) {
                // a stored type no longer valid is not the new type's fault (LiveDomains reports it)
            }
        }
        String conflict = KeyContentTypes.conflict(type, others);
        if (conflict != null) throw ServiceException.badRequest("Object type '" + type.name() + "': " + conflict);
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static String typeName(String objectTypeName) {
        String name = RequestFields.requiredUriMember(objectTypeName, "ObjectTypeName");
        RequestFields.checkLength("ObjectTypeName", name, Names.TYPE_NAME_MIN, Names.TYPE_NAME_MAX);
        RequestFields.checkPattern("ObjectTypeName", name, Names.TYPE_NAME);
        return name;
    }

    static DomainItem liveDomain(String name, Optional<DomainItem> read) {
        if (read.isEmpty()) throw ServiceException.notFound("Domain '" + name + "' does not exist");
        if (read.get().deleting()) {
            throw ServiceException.notFound("Domain '" + name + "' was deleted; its data is being erased ("
                    + read.get().erasure().erased() + " items erased so far)");
        }
        return read.get();
    }

    private static TypeItem liveType(DomainItem domain, String typeName, Optional<TypeItem> read) {
        if (read.isPresent() && read.get().deleting()) {
            throw ServiceException.notFound("Object type '" + typeName + "' was deleted from domain '" + domain.name()
                    + "'; its objects are being erased (" + read.get().erasure().erased() + " erased so far)");
        }
        if (read.isEmpty() || !domain.types().contains(typeName)) throw typeNotFound(domain.name(), typeName);
        return read.get();
    }

    private static ServiceException typeNotFound(String domain, String typeName) {
        return ServiceException.notFound("Object type '" + typeName + "' does not exist in domain '" + domain + "'");
    }

    private ServiceException domainNotFound(String name, Refusal refusal) {
        if (refusal == Refusal.DOMAIN_DELETING) return ServiceException.notFound("Domain '" + name + "' was deleted; its data is being erased");
        return ServiceException.notFound("Domain '" + name + "' does not exist");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> settings(DomainItem domain) {
        return new LinkedHashMap<>((Map<String, Object>) Json.parse(domain.definition()));
    }

    /** The domain shape of CreateDomain, GetDomain and UpdateDomain. Stats are not kept (they would need a domain-wide counter). */
    private static Map<String, Object> domainShape(DomainItem domain) {
        Map<String, Object> settings = settings(domain);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("DomainName", domain.name());
        for (String member : DomainSettings.MEMBERS) {
            if (!member.equals("Tags") && settings.containsKey(member)) body.put(member, settings.get(member));
        }
        body.put("CreatedAt", domain.createdAt());
        body.put("LastUpdatedAt", domain.updatedAt());
        if (settings.containsKey("Tags")) body.put("Tags", settings.get("Tags"));
        return body;
    }

    /** What was put, with the name, the effective AllowProfileCreation and the timestamps. */
    private static Map<String, Object> typeShape(String name, Map<String, Object> definition, ObjectType type, long createdAt, long updatedAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ObjectTypeName", name);
        body.putAll(definition);
        body.putIfAbsent("AllowProfileCreation", type.allowProfileCreation());
        body.put("CreatedAt", createdAt);
        body.put("LastUpdatedAt", updatedAt);
        return body;
    }

    /** One page of names in name order; the token is the last name returned, opaque to callers. */
    record Page(List<String> names, String nextToken) {
        static Page of(java.util.Collection<String> all, int maxResults, String token) {
            TreeSet<String> sorted = new TreeSet<>(all);
            String after = decode(token);
            List<String> names = new ArrayList<>();
            for (String name : after == null ? sorted : sorted.tailSet(after, false)) {
                if (names.size() == maxResults) break;
                names.add(name);
            }
            boolean more = !names.isEmpty() && sorted.higher(names.get(names.size() - 1)) != null;
            return new Page(names, more ? encode(names.get(names.size() - 1)) : null);
        }

        Map<String, Object> response(List<Object> items) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Items", items);
            if (nextToken != null) body.put("NextToken", nextToken);
            return body;
        }

        private static String encode(String last) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(("after:" + last).getBytes(StandardCharsets.UTF_8));
        }

        private static String decode(String token) {
            if (token == null) return null;
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                if (decoded.startsWith("after:") && decoded.length() > "after:".length()) return decoded.substring("after:".length());
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw ServiceException.badRequest("next-token is not a valid token for this request");
        }
    }
}

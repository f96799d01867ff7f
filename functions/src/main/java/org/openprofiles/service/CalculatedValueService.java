package org.openprofiles.service;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openprofiles.calculated.Calculator;
import org.openprofiles.calculated.Conditions;
import org.openprofiles.calculated.Definition;
import org.openprofiles.calculated.Observation;
import org.openprofiles.calculated.Result;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfileStore.ProfileWithObjects;
import org.openprofiles.store.ProfileStore.TimedObject;
import org.openprofiles.store.config.ConfigRead;

/**
 * GetCalculatedAttributeForProfile, ListCalculatedAttributesForProfile and BatchGetCalculatedAttributeForProfile. Values
 * are computed when read, from the profile's objects read strongly consistently ({@link ProfileStore#profileWithObjects}):
 * a value read after a PutProfileObject answered reflects it, and a merge, deletion or expiry retracts at once, with
 * nothing written on the ingestion path. A profile costs one BatchGetItem (profile, shards, the domain's configuration
 * item: the cached configuration is confirmed in the same read) plus one per 100 of its objects of the types read.
 */
public final class CalculatedValueService {
    /** Profiles of one BatchGet read at once: enough to answer 100 profiles well inside a second, few enough for one container. */
    static final int PARALLEL_PROFILES = 8;
    private static final ExecutorService PROFILE_READS = Executors.newFixedThreadPool(PARALLEL_PROFILES, runnable -> {
        Thread thread = new Thread(runnable, "calculated-attribute-read");
        thread.setDaemon(true);
        return thread;
    });

    private final Domains domains;
    private final ProfileStore store;
    private final Clock clock;

    public CalculatedValueService(Domains domains, ProfileStore store, Clock clock) {
        this.domains = domains;
        this.store = store;
        this.clock = clock;
    }

    /** One value: the name, its display name and the result. */
    public record Value(Definition definition, String profileId, Result result) {}

    /** BatchGet's answer: values of the profiles that exist, ids of those that do not, the overrides as given. */
    public record Batch(List<Value> values, List<String> missing, Map<String, Object> conditionOverrides) {}

    public Value get(String domainName, String profileId, String attributeName, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String id = CalculatedValueRequests.profileId(profileId);
        String name = CalculatedValueRequests.attributeName(attributeName);
        return values(domain, id, d -> List.of(definition(d, name)), null, deadline).get(0);
    }

    /** Every definition of the domain for the profile, in name order; one page. */
    public Map<String, Object> list(String domainName, String profileId, String maxResults, String nextToken, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String id = CalculatedValueRequests.profileId(profileId);
        int max = RequestFields.maxResults(maxResults);
        String token = RequestFields.nextToken(nextToken);
        List<String> names = new ArrayList<>();
        DomainAdminService.Page[] page = new DomainAdminService.Page[1];
        List<Value> values = values(domain, id, d -> {
            page[0] = DomainAdminService.Page.of(d.calculatedAttributes().keySet(), max, token);
            names.clear();
            names.addAll(page[0].names());
            return names.stream().map(n -> d.calculatedAttributes().get(n)).toList();
        }, null, deadline);
        List<Object> items = new ArrayList<>();
        for (Value value : values) items.add(CalculatedValueRequests.shape(value, false));
        return page[0].response(items);
    }

    public Batch batchGet(String domainName, String attributeName, String body, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String name = CalculatedValueRequests.attributeName(attributeName);
        CalculatedValueRequests.BatchRequest request = CalculatedValueRequests.batch(body);
        // The configuration once, consistently; each profile is then one read of its own.
        Domain configured = domains.current(domain, deadline).domain();
        Definition definition = definition(configured, name);
        Conditions.Range range = request.overrideStart() == null ? null
                : Optional.ofNullable(definition.conditions().range()).orElse(new Conditions.Range(null, null, null, null, null))
                        .window(request.overrideStart(), request.overrideEnd());
        List<Future<Optional<Value>>> reads = new ArrayList<>();
        for (String id : request.profileIds()) {
            reads.add(PROFILE_READS.submit(() -> read(configured, id, List.of(definition), range, null, deadline).map(v -> v.get(0))));
        }
        List<Value> values = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < reads.size(); i++) {
            Optional<Value> value = await(reads.get(i), deadline);
            if (value.isPresent()) values.add(value.get()); else missing.add(request.profileIds().get(i));
        }
        return new Batch(values, missing, request.conditionOverrides());
    }

    /**
     * The values of the definitions {@code which} picks, for one profile: read with the cached configuration, confirmed
     * by the same read; when it changed, picked and read again with the current one.
     */
    private List<Value> values(String domain, String profileId, java.util.function.Function<Domain, List<Definition>> which,
                               Conditions.Range range, Deadline deadline) {
        ConfiguredDomain used = domains.cached(domain, deadline);
        for (int configurations = 1; ; configurations++) {
            List<Definition> definitions;
            try {
                definitions = which.apply(used.domain());
            } catch (ServiceException unknown) {
                // A definition created since this container cached the domain: confirm before answering 404.
                used = ConfigurationChanges.recheck(domains, used, unknown, configurations, deadline);
                continue;
            }
            ConfigRead probe = domains.probe(domain);
            Optional<List<Value>> read = read(used.domain(), profileId, definitions, range, probe, deadline);
            if (probe != null) {
                ConfiguredDomain current = domains.confirm(used, probe, deadline);
                if (ConfigurationChanges.changed(used, current, configurations)) {
                    used = current;
                    continue;
                }
            }
            return read.orElseThrow(() -> ServiceException.profileNotFound(domain, profileId));
        }
    }

    /** One profile's values (empty: no such profile). */
    private Optional<List<Value>> read(Domain domain, String profileId, List<Definition> definitions, Conditions.Range range,
                                       ConfigRead probe, Deadline deadline) {
        Set<String> types = new LinkedHashSet<>();
        for (Definition d : definitions) types.add(d.objectTypeName());
        Optional<ProfileWithObjects> profile = store.profileWithObjects(domain.name(), profileId, types, probe, deadline);
        if (profile.isEmpty()) return Optional.empty();
        long now = clock.millis();
        List<Value> values = new ArrayList<>();
        for (Definition d : definitions) {
            List<Observation> objects = new ArrayList<>();
            for (TimedObject object : profile.get().objects()) {
                if (object.objectTypeName().equals(d.objectTypeName())) {
                    objects.add(ObjectAttributes.observe(object, domain.objectType(object.objectTypeName()).orElse(null)));
                }
            }
            values.add(new Value(d, profileId, Calculator.calculate(d, objects, now, range, profile.get().createdAt() * 1000)));
        }
        return Optional.of(values);
    }

    private static Definition definition(Domain domain, String name) {
        Definition d = domain.calculatedAttributes().get(name);
        if (d == null) throw ServiceException.notFound("Calculated attribute '" + name + "' does not exist in domain '" + domain.name() + "'");
        return d;
    }

    private static <T> T await(Future<T> read, Deadline deadline) {
        try {
            return read.get(Math.max(0, deadline.remaining().toNanos()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) throw failure;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            read.cancel(true);
            throw new ServiceException(ServiceException.Type.ThrottlingException,
                    "The profiles could not all be read before the request's deadline; retry with fewer ProfileIds");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading profiles", e);
        }
    }
}

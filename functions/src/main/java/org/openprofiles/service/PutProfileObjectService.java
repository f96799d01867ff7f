package org.openprofiles.service;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.openprofiles.mapping.EvaluatedKey;
import org.openprofiles.mapping.MappedObject;
import org.openprofiles.mapping.ObjectMapper;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ObjectType;
import org.openprofiles.model.ServiceException;
import org.openprofiles.resolution.ProfileObjectUniqueKeys;
import org.openprofiles.resolution.Resolution;
import org.openprofiles.resolution.Resolver;
import org.openprofiles.resolution.StandardKeys;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.ingest.ObjectPut;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.lifecycle.ProfileShards;
import org.openprofiles.store.ingest.ObjectWriter.ProfileClosedException;
import org.openprofiles.store.ingest.Snapshot;
import org.openprofiles.store.table.WriteConflictException;
import java.util.HashMap;
import java.util.Optional;

/**
 * PutProfileObject: map the object, resolve its profile on a consistent snapshot, and commit the
 * object, profile and keys in one conditional transaction; when a concurrent request changed what
 * the decision read, read and decide again ({@link Retries}).
 */
public final class PutProfileObjectService {
    private final Domains domains;
    private final ProfileStore store;
    private final Clock clock;

    public PutProfileObjectService(Domains domains, ProfileStore store, Clock clock) {
        this.domains = domains;
        this.store = store;
        this.clock = clock;
    }

    public Domains domains() {
        return domains;
    }

    /**
     * What a put did.
     *
     * @param written false when the store already held this copy or a newer one, and nothing was written
     */
    public record Outcome(String uniqueKey, boolean written) {}

    /** Returns the ProfileObjectUniqueKey. */
    public String put(PutProfileObjectRequest request, Deadline deadline) {
        return put(request, domains.cached(request.domainName()), 1, null, deadline).uniqueKey();
    }

    /**
     * A put of one copy of an object whose source orders its copies (a contact record's LastUpdateTimestamp): it
     * replaces a stored copy only if it is newer, and writes nothing when the store holds this copy or a newer one,
     * including when that copy is being committed by another request at the same moment (the object's write is
     * conditioned on it: {@link ObjectPut#sourceUpdatedAt}). Otherwise exactly a PutProfileObject.
     *
     * @param sourceUpdatedAt when the source last changed this copy, epoch milliseconds
     */
    public Outcome putIfNewer(PutProfileObjectRequest request, long sourceUpdatedAt, Deadline deadline) {
        return put(request, domains.cached(request.domainName()), 1, sourceUpdatedAt, deadline);
    }

    /**
     * @param cached the domain as this container has it, confirmed current by the first read or,
     *                   before a refusal, by {@link ConfigurationChanges#recheck}; when it changed, the
     *                   request decides again with the current configuration
     */
    private Outcome put(PutProfileObjectRequest request, ConfiguredDomain cached, int configurations, Long sourceUpdatedAt,
                        Deadline deadline) {
        ConfiguredDomain configured = cached.domain().objectType(request.objectTypeName()).isEmpty()
                ? domains.current(request.domainName()) : cached;
        Domain domain = configured.domain();
        ObjectType type = domain.objectType(request.objectTypeName()).orElseThrow(() -> ServiceException.notFound(
                "Object type '" + request.objectTypeName() + "' does not exist in domain '" + domain.name() + "'"));
        MappedObject mapped;
        try {
            mapped = ObjectMapper.forType(type).map(request.object());
        } catch (ServiceException refused) {
            return put(request, ConfigurationChanges.recheck(domains, configured, refused, configurations), configurations + 1,
                    sourceUpdatedAt, deadline);
        }
        String uniqueKey = ProfileObjectUniqueKeys.of(type.name(), mapped.uniqueValue());
        Map<String, String> inferredFields = inferredProfileFields(mapped);
        List<KeyValue> lookupKeys = Resolver.lookupKeys(mapped.keys());
        List<KeyValue> objectKeys = new ArrayList<>();
        for (EvaluatedKey key : mapped.keys()) if (key.present()) objectKeys.add(key.keyValue());

        // Everything any outcome may write or depends on, read in one call.
        Set<KeyValue> toRead = new LinkedHashSet<>(lookupKeys);
        toRead.addAll(Resolver.keysToStore(mapped.keys(), true));
        toRead.addAll(StandardKeys.of(inferredFields));
        toRead.addAll(StandardKeys.of(mapped.profileFields()));
        Long expiresAt = clock.instant().getEpochSecond()
                + 86_400L * (type.expirationDays() != null ? type.expirationDays() : domain.defaultExpirationDays());

        ConfigRead config = domains.probe(domain.name());
        // Profiles this request found closed (deleted: null; merged: the main profile), learnt from refused writes.
        Map<String, Optional<String>> closed = new HashMap<>();
        return Retries.onConflict(deadline, () -> {
            Snapshot seen = store.reader().read(domain.name(), toRead, type.name(), uniqueKey, config, deadline);
            ConfiguredDomain current = config == null ? configured : domains.confirm(configured, config);
            if (ConfigurationChanges.changed(configured, current, configurations)) {
                return put(request, current, configurations + 1, sourceUpdatedAt, deadline);
            }
            // This copy or a newer one is stored: nothing to do. A newer one committed after this read fails the write's
            // condition, and the next attempt stops here.
            if (sourceUpdatedAt != null && seen.object() != null && !seen.object().olderThan(sourceUpdatedAt)) {
                return new Outcome(uniqueKey, false);
            }
            Resolution resolution = Resolver.resolve(type, mapped.keys(), key -> openHolders(seen.holders(key), closed));
            // An object already on a profile stays there unless resolution finds another profile.
            String keptProfileId = null;
            String storedOn = seen.object() == null ? null : seen.object().profileId();
            if (resolution.outcome() != Resolution.Outcome.ATTACH && storedOn != null) {
                Set<String> open = openHolders(Set.of(storedOn), closed);
                if (open.contains(storedOn)) {
                    keptProfileId = storedOn;
                    resolution = Resolution.attach(keptProfileId);
                } else if (!open.isEmpty()) {
                    resolution = Resolution.attach(open.iterator().next()); // merged away: onto the main profile
                }
            }
            boolean create = resolution.outcome() == Resolution.Outcome.CREATE;
            String profileId = create ? newProfileId() : resolution.profileId();
            Map<String, String> profileFields = create ? inferredFields : mapped.profileFields();
            List<KeyValue> profileKeys = new ArrayList<>();
            if (profileId != null) {
                Set<KeyValue> keys = new LinkedHashSet<>(Resolver.keysToStore(mapped.keys(), create));
                keys.addAll(StandardKeys.of(profileFields));
                profileKeys.addAll(keys);
            }
            ObjectPut put = new ObjectPut(domain.name(), type.name(), uniqueKey, request.objectJson(), objectKeys,
                    expiresAt, profileId, create, profileFields, profileKeys, keptProfileId, standIns(closed), sourceUpdatedAt);
            try {
                store.objects().write(put, seen, deadline);
            } catch (ProfileClosedException e) {
                ProfileShards.Closed state = store.closedState(domain.name(), e.profileId(), e.shard(), deadline);
                if (state == null) throw new WriteConflictException("a value this put relied on was removed; decide again", false);
                closed.put(e.profileId(), Optional.ofNullable(state.mergedInto()));
                // A deletion or merge whose function died is finished by the request that meets it.
                store.ops().finishIfAbandoned(domain.name(), e.profileId(), state.closedAtMillis(),
                        ProfileLifecycleService.typeNames(domain), deadline);
                throw new WriteConflictException("the profile was closed; decide again", false);
            }
            return new Outcome(uniqueKey, true);
        });
    }

    /**
     * The holders resolution may use: a deleted profile is no holder, a merged one stands for its
     * main profile (followed, in case the main profile was merged again).
     */
    static Set<String> openHolders(Set<String> holders, Map<String, Optional<String>> closed) {
        if (closed.isEmpty()) return holders;
        Set<String> open = new LinkedHashSet<>();
        for (String id : holders) {
            String current = id;
            for (int hops = 0; current != null && closed.containsKey(current) && hops < 22; hops++) {
                Optional<String> next = closed.get(current);
                current = next.isPresent() && !next.get().equals(current) ? next.get() : null;
            }
            if (current != null) open.add(current);
        }
        return open;
    }

    /** Each closed profile and the open profile that stands for it now (a merge's main profile, followed), or empty when deleted. */
    static Map<String, Optional<String>> standIns(Map<String, Optional<String>> closed) {
        Map<String, Optional<String>> standIns = new HashMap<>();
        for (String id : closed.keySet()) standIns.put(id, openHolders(Set.of(id), closed).stream().findFirst());
        return standIns;
    }

    /** One read of items that do not exist (SnapStart priming): the SDK's read path, warm, nothing written. */
    public void warmUp() {
        store.reader().read("_priming", List.of(new KeyValue("_priming", "_priming")), "_priming", "_priming",
                Deadline.in(Duration.ofSeconds(5)));
    }

    /**
     * A new inferred profile gets the targeted fields plus PhoneNumber and EmailAddress from the
     * first PHONE_NUMBER and EMAIL_ADDRESS fields (spec 3.3), unless a Target already set them.
     */
    static Map<String, String> inferredProfileFields(MappedObject mapped) {
        Map<String, String> fields = new LinkedHashMap<>(mapped.profileFields());
        if (mapped.inferredPhone() != null) fields.putIfAbsent("PhoneNumber", mapped.inferredPhone());
        if (mapped.inferredEmail() != null) fields.putIfAbsent("EmailAddress", mapped.inferredEmail());
        return fields;
    }

    /** Minted per request, never at init, so SnapStart restores never share ids. */
    static String newProfileId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}

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
import org.openprofiles.store.ObjectPut;
import org.openprofiles.store.ProfileStore;
import java.util.Optional;

/**
 * PutProfileObject: map the object, resolve its profile on a consistent snapshot, and commit the
 * object, profile and keys in one conditional transaction; when a concurrent request changed what
 * the decision read, the store reads and has it decided again.
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
        return put(request, domains.cached(request.domainName(), deadline), 1, null, deadline).uniqueKey();
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
        return put(request, domains.cached(request.domainName(), deadline), 1, sourceUpdatedAt, deadline);
    }

    /**
     * @param cached the domain as this container has it, confirmed current by the first read or,
     *                   before a refusal, by {@link ConfigurationChanges#recheck}; when it changed, the
     *                   request decides again with the current configuration
     */
    private Outcome put(PutProfileObjectRequest request, ConfiguredDomain cached, int configurations, Long sourceUpdatedAt,
                        Deadline deadline) {
        ConfiguredDomain configured = cached.domain().objectType(request.objectTypeName()).isEmpty()
                ? domains.current(request.domainName(), deadline) : cached;
        Domain domain = configured.domain();
        ObjectType type = domain.objectType(request.objectTypeName()).orElseThrow(() -> ServiceException.notFound(
                "Object type '" + request.objectTypeName() + "' does not exist in domain '" + domain.name() + "'"));
        MappedObject mapped;
        try {
            mapped = ObjectMapper.forType(type).map(request.object());
        } catch (ServiceException refused) {
            return put(request, ConfigurationChanges.recheck(domains, configured, refused, configurations, deadline), configurations + 1,
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
        ConfiguredDomain[] changedTo = {null};
        boolean written = store.putObject(domain.name(), toRead, type.name(), uniqueKey, config, ProfileLifecycleService.typeNames(domain),
                seen -> {
                    ConfiguredDomain current = config == null ? configured : domains.confirm(configured, config, deadline);
                    if (ConfigurationChanges.changed(configured, current, configurations)) {
                        changedTo[0] = current;
                        return null;
                    }
                    return decide(request, domain.name(), type, mapped, uniqueKey, inferredFields, objectKeys, expiresAt, sourceUpdatedAt, seen);
                }, Audits.of(domain), deadline);
        if (changedTo[0] != null) return put(request, changedTo[0], configurations + 1, sourceUpdatedAt, deadline);
        return new Outcome(uniqueKey, written);
    }

    /**
     * Resolution on what the store read: the object's profile, whether it is created, and what the profile gains; null
     * when this copy or a newer one is stored (a newer one committed after this read fails the write's condition, and
     * the next decision stops here).
     */
    private static ObjectPut decide(PutProfileObjectRequest request, String domainName, ObjectType type, MappedObject mapped,
                                    String uniqueKey, Map<String, String> inferredFields, List<KeyValue> objectKeys, Long expiresAt,
                                    Long sourceUpdatedAt, ProfileStore.PutView seen) {
        ProfileStore.StoredCopy stored = seen.stored();
        if (sourceUpdatedAt != null && stored != null && !stored.olderThan(sourceUpdatedAt)) return null;
        Resolution resolution = Resolver.resolve(type, mapped.keys(), seen::holders);
        // An object already on a profile stays there unless resolution finds another profile.
        String keptProfileId = null;
        String storedOn = stored == null ? null : stored.profileId();
        if (resolution.outcome() != Resolution.Outcome.ATTACH && storedOn != null) {
            Optional<String> standIn = seen.standIn(storedOn);
            if (standIn.isPresent() && standIn.get().equals(storedOn)) {
                keptProfileId = storedOn;
                resolution = Resolution.attach(keptProfileId);
            } else if (standIn.isPresent()) {
                resolution = Resolution.attach(standIn.get()); // merged away: onto the main profile
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
        return new ObjectPut(domainName, type.name(), uniqueKey, request.objectJson(), objectKeys, expiresAt, profileId, create,
                profileFields, profileKeys, keptProfileId, sourceUpdatedAt);
    }

    /** One read of items that do not exist (SnapStart priming): the SDK's read path, warm, nothing written. */
    public void warmUp() {
        store.holders("_priming", List.of(new KeyValue("_priming", "_priming")), null, null, Deadline.in(Duration.ofSeconds(5)));
    }

    /**
     * A new inferred profile gets the targeted fields plus PhoneNumber and EmailAddress from the
     * first PHONE_NUMBER and EMAIL_ADDRESS fields, unless a Target already set them.
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

package org.openprofiles.service;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfileStore.StoredProfile;

/**
 * The profile lifecycle: CreateProfile, UpdateProfile, BatchGetProfile, DeleteProfile,
 * DeleteProfileKey, DeleteProfileObject, MergeProfiles, each one call of the store, which runs it to its end.
 */
public final class ProfileLifecycleService {
    private final Domains domains;
    private final ProfileStore store;

    public ProfileLifecycleService(Domains domains, ProfileStore store) {
        this.domains = domains;
        this.store = store;
    }

    public Domains domains() {
        return domains;
    }

    /** Returns the new profile's id. */
    public String create(LifecycleRequests.ProfileFields request, Deadline deadline) {
        Domain domain = domains.get(request.domainName(), deadline);
        String profileId = UUID.randomUUID().toString().replace("-", "");
        store.createProfile(domain.name(), profileId, request.set(), Audits.of(domain), deadline);
        return profileId;
    }

    /** The domain's configuration is confirmed inside the update's own first read (2 calls in all). */
    public void update(LifecycleRequests.ProfileFields request, Deadline deadline) {
        update(request, domains.cached(request.domainName(), deadline), 1, deadline);
    }

    private void update(LifecycleRequests.ProfileFields request, ConfiguredDomain configured, int configurations, Deadline deadline) {
        ConfigRead probe = domains.probe(request.domainName());
        try {
            store.updateProfile(request.domainName(), request.profileId(), request.set(), request.remove(), probe,
                    ConfigurationChanges.confirm(domains, configured, probe, configurations, deadline), typeNames(configured.domain()),
                    Audits.of(configured.domain()), deadline);
        } catch (ConfigurationChanges.Changed changed) {
            update(request, changed.current, configurations + 1, deadline);
        }
    }

    /** Profiles found, and the ids not found. */
    public record BatchGet(List<StoredProfile> profiles, List<String> missing) {}

    /** One BatchGetItem: the profiles, and the domain's configuration item that confirms the domain still exists. */
    public BatchGet batchGet(LifecycleRequests.ProfileIds request, Deadline deadline) {
        ConfiguredDomain configured = domains.cached(request.domainName(), deadline);
        ConfigRead probe = domains.probe(request.domainName());
        Map<String, StoredProfile> found = store.profiles(request.domainName(), request.profileIds(), probe, deadline);
        if (probe != null) domains.confirm(configured, probe, deadline); // a deleted domain is a 404 at once
        List<StoredProfile> profiles = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : request.profileIds()) {
            if (found.containsKey(id)) profiles.add(found.get(id));
            else missing.add(id);
        }
        return new BatchGet(profiles, missing);
    }

    /** Recorded, then finished by the store: once recorded, nothing may answer 4xx. */
    public void delete(LifecycleRequests.ProfileRef request, Deadline deadline) {
        Domain domain = domains.get(request.domainName(), deadline);
        store.deleteProfile(domain.name(), request.profileId(), typeNames(domain), deadline);
    }

    /** Values normalised with the cached configuration, confirmed inside the delete's own read (2 calls in all). */
    public void deleteKey(LifecycleRequests.KeyValues request, Deadline deadline) {
        deleteKey(request, domains.cached(request.domainName(), deadline), 1, deadline);
    }

    private void deleteKey(LifecycleRequests.KeyValues request, ConfiguredDomain configured, int configurations, Deadline deadline) {
        Set<KeyValue> keys;
        try {
            keys = normalised(configured.domain(), request.keyName(), request.values());
        } catch (ServiceException refused) {
            // A refusal made with the cache stands only once the cache is confirmed current.
            deleteKey(request, ConfigurationChanges.recheck(domains, configured, refused, configurations, deadline), configurations + 1, deadline);
            return;
        }
        ConfigRead probe = domains.probe(request.domainName());
        try {
            store.deleteKeys(request.domainName(), request.profileId(), keys, probe,
                    ConfigurationChanges.confirm(domains, configured, probe, configurations, deadline), typeNames(configured.domain()),
                    Audits.of(configured.domain()), deadline);
        } catch (ConfigurationChanges.Changed changed) {
            deleteKey(request, changed.current, configurations + 1, deadline);
        }
    }

    public void deleteObject(LifecycleRequests.ObjectRef request, Deadline deadline) {
        Domain domain = domains.get(request.domainName(), deadline);
        store.deleteObject(domain.name(), request.profileId(), request.objectTypeName(), request.uniqueKey(), typeNames(domain), Audits.of(domain),
                deadline);
    }

    /** As {@link #delete}. */
    public void merge(LifecycleRequests.Merge request, Deadline deadline) {
        Domain domain = domains.get(request.domainName(), deadline);
        store.mergeProfiles(domain.name(), request.mainProfileId(), request.mergedIds(), request.fieldSources(), typeNames(domain),
                Audits.of(domain), deadline);
    }

    /** Every object type a profile of the domain can hold objects of: explicit types and templates used as types. */
    public static Set<String> typeNames(Domain domain) {
        Set<String> names = new TreeSet<>(domain.objectTypes().keySet());
        names.addAll(domain.templates().keySet());
        return names;
    }

    /** Values normalised as the domain normalises the key (as AddProfileKey does); one that normalises to nothing is a 400. */
    static Set<KeyValue> normalised(Domain domain, String keyName, List<String> values) {
        ContentType contentType = domain.keyContentType(keyName);
        Set<KeyValue> keys = new LinkedHashSet<>();
        for (String value : values) {
            String normalised = Normaliser.normalise(contentType, value);
            if (normalised.isEmpty()) {
                if (contentType == ContentType.PHONE_NUMBER) {
                    throw ServiceException.badRequest("Values holds '" + value + "', which is not a phone number, and key "
                            + keyName + " holds phone numbers: " + Normaliser.PHONE_RULE);
                }
                throw ServiceException.badRequest("Values holds '" + value + "', which is empty once normalised as "
                        + contentType + " for key " + keyName);
            }
            keys.add(new KeyValue(keyName, normalised));
        }
        return keys;
    }
}

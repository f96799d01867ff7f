package org.openprofiles.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.model.StandardProfile;
import org.openprofiles.store.ObjectPage;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.StoredProfile;

/** The read path: SearchProfiles and ListProfileObjects. */
public final class ProfileReadService {
    private final Domains domains;
    private final ProfileStore store;

    public ProfileReadService(Domains domains, ProfileStore store) {
        this.domains = domains;
        this.store = store;
    }

    public Domains domains() {
        return domains;
    }

    /**
     * Profiles holding any of a key's values; across keys OR (union) or AND (intersection).
     * Results are ordered by profile id, so a page token is simply the last id returned.
     */
    public ProfileSearchResult search(SearchProfilesRequest request) {
        Domain domain = domains.get(request.domainName());
        String after = decodeSearchToken(request.nextToken());

        // For each search key: which profiles it finds, and with which of the values given.
        Map<KeyValue, String> givenValue = new LinkedHashMap<>();
        for (SearchKey key : request.keys()) {
            if (key.keyName().equals(StandardProfile.KEY_PROFILE_ID)) continue;
            ContentType type = domain.keyContentType(key.keyName());
            for (String value : key.values()) {
                String normalised = Normaliser.normalise(type, value);
                if (!normalised.isEmpty()) givenValue.putIfAbsent(new KeyValue(key.keyName(), normalised), value);
            }
        }
        Map<KeyValue, Set<String>> holders = store.holders(domain.name(), givenValue.keySet());

        List<Map<String, Set<String>>> matchesPerKey = new ArrayList<>(); // profile id -> values found by
        for (SearchKey key : request.keys()) {
            Map<String, Set<String>> matches = new TreeMap<>();
            if (key.keyName().equals(StandardProfile.KEY_PROFILE_ID)) {
                for (String value : key.values()) matches.computeIfAbsent(value, id -> new LinkedHashSet<>()).add(value);
            } else {
                ContentType type = domain.keyContentType(key.keyName());
                for (String value : key.values()) {
                    KeyValue keyValue = new KeyValue(key.keyName(), Normaliser.normalise(type, value));
                    for (String id : holders.getOrDefault(keyValue, Set.of())) {
                        matches.computeIfAbsent(id, x -> new LinkedHashSet<>()).add(value);
                    }
                }
            }
            matchesPerKey.add(matches);
        }

        TreeSet<String> ids = new TreeSet<>(matchesPerKey.get(0).keySet());
        for (Map<String, Set<String>> matches : matchesPerKey.subList(1, matchesPerKey.size())) {
            if (request.matchAll()) ids.retainAll(matches.keySet());
            else ids.addAll(matches.keySet());
        }
        List<String> page = new ArrayList<>();
        for (String id : after == null ? ids : ids.tailSet(after, false)) {
            if (page.size() == request.maxResults()) break;
            page.add(id);
        }
        boolean more = !page.isEmpty() && ids.higher(page.get(page.size() - 1)) != null;

        Map<String, StoredProfile> profiles = store.profiles(domain.name(), page);
        List<ProfileSearchResult.Found> found = new ArrayList<>();
        for (String id : page) {
            StoredProfile profile = profiles.get(id);
            if (profile == null) continue; // a _profileId value that names no profile
            List<SearchKey> foundBy = new ArrayList<>();
            for (int i = 0; i < request.keys().size(); i++) {
                Set<String> values = matchesPerKey.get(i).get(id);
                if (values != null) foundBy.add(new SearchKey(request.keys().get(i).keyName(), List.copyOf(values)));
            }
            found.add(new ProfileSearchResult.Found(profile, foundBy));
        }
        return new ProfileSearchResult(found, more ? encodeSearchToken(page.get(page.size() - 1)) : null);
    }

    /** A profile's objects of one type, optionally only those holding one of the filter's values. */
    public ObjectPage listObjects(ListProfileObjectsRequest request) {
        Domain domain = domains.get(request.domainName());
        if (domain.objectType(request.objectTypeName()).isEmpty()) {
            throw ServiceException.notFound("Object type '" + request.objectTypeName() + "' does not exist in domain '"
                    + domain.name() + "'");
        }
        List<KeyValue> anyOf = null;
        if (request.filter() != null) {
            ContentType type = domain.keyContentType(request.filter().keyName());
            anyOf = new ArrayList<>();
            for (String value : request.filter().values()) {
                anyOf.add(new KeyValue(request.filter().keyName(), Normaliser.normalise(type, value)));
            }
        }
        return store.objects(domain.name(), request.profileId(), request.objectTypeName(), anyOf,
                request.maxResults(), request.nextToken());
    }

    private static String encodeSearchToken(String lastProfileId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("after:" + lastProfileId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeSearchToken(String token) {
        if (token == null) return null;
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith("after:")) {
                String id = decoded.substring("after:".length());
                if (RequestFields.PROFILE_ID.matcher(id).matches()) return id;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw ServiceException.badRequest("next-token is not a valid token for this request");
    }
}

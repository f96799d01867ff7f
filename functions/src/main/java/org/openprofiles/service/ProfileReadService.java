package org.openprofiles.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.model.StandardProfile;
import org.openprofiles.store.ProfileStore.ObjectPage;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfileStore.StoredProfile;

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

    /** The store it reads (the calculated attribute reads share it). */
    public ProfileStore store() {
        return store;
    }

    /** BatchGetProfile: one consistent BatchGetItem of the profiles. */
    public ProfileLifecycleService.BatchGet batchGet(LifecycleRequests.ProfileIds request, Deadline deadline) {
        return new ProfileLifecycleService(domains, store).batchGet(request, deadline);
    }

    /**
     * Profiles holding any of a key's values; across keys OR (union) or AND (intersection).
     * Results are ordered by profile id, so a page token is simply the last id returned. Each
     * value's holders arrive as an ascending stream (a value held by tens of thousands of
     * profiles is read page by page), and the streams are merged only as far as one page needs.
     */
    public ProfileSearchResult search(SearchProfilesRequest request, Deadline deadline) {
        return search(request, domains.cached(request.domainName(), deadline), deadline, false);
    }

    /**
     * With the domain as this container has it, confirmed by the key values' own read (2 calls in
     * all); when it changed, once more with the current one.
     */
    private ProfileSearchResult search(SearchProfilesRequest request, ConfiguredDomain configured, Deadline deadline, boolean again) {
        Domain domain = configured.domain();
        String after = decodeSearchToken(request.nextToken());

        Set<KeyValue> wanted = new LinkedHashSet<>();
        for (SearchKey key : request.keys()) {
            if (key.keyName().equals(StandardProfile.KEY_PROFILE_ID)) continue;
            ContentType type = domain.keyContentType(key.keyName());
            for (String value : key.values()) {
                String normalised = Normaliser.normalise(type, value);
                if (!normalised.isEmpty()) wanted.add(new KeyValue(key.keyName(), normalised));
            }
        }
        ConfigRead probe = again ? null : domains.probe(domain.name());
        Map<KeyValue, Supplier<Iterator<String>>> holders = store.holders(domain.name(), wanted, after, probe, deadline);
        if (probe != null) {
            ConfiguredDomain current = domains.confirm(configured, probe, deadline);
            if (current != configured) return search(request, current, deadline, true);
        }

        // One ascending stream per (search key, value given); _profileId values stand for themselves.
        List<List<HolderStream>> streamsPerKey = new ArrayList<>();
        for (SearchKey key : request.keys()) {
            List<HolderStream> streams = new ArrayList<>();
            Map<KeyValue, HolderStream> byValue = new HashMap<>();
            for (String value : key.values()) {
                if (key.keyName().equals(StandardProfile.KEY_PROFILE_ID)) {
                    if (after == null || value.compareTo(after) > 0) streams.add(new HolderStream(value, List.of(value).iterator()));
                    continue;
                }
                KeyValue keyValue = new KeyValue(key.keyName(), Normaliser.normalise(domain.keyContentType(key.keyName()), value));
                Supplier<Iterator<String>> ids = holders.get(keyValue);
                if (ids == null) continue;
                // A value given twice (or two spellings of one value) is one stream.
                HolderStream known = byValue.get(keyValue);
                if (known != null) {
                    known.alsoFoundBy(value);
                } else {
                    HolderStream stream = new HolderStream(value, ids.get());
                    byValue.put(keyValue, stream);
                    streams.add(stream);
                }
            }
            streamsPerKey.add(streams);
        }

        // Up to one more than a page, to know whether there is a next page.
        Map<String, List<Set<String>>> page = new LinkedHashMap<>();
        while (page.size() <= request.maxResults()) {
            Map.Entry<String, List<Set<String>>> next = request.matchAll() ? nextInAll(streamsPerKey) : nextInAny(streamsPerKey);
            if (next == null) break;
            page.put(next.getKey(), next.getValue());
        }
        boolean more = page.size() > request.maxResults();
        List<String> ids = new ArrayList<>(page.keySet()).subList(0, Math.min(page.size(), request.maxResults()));

        Map<String, StoredProfile> profiles = store.profiles(domain.name(), ids, null, deadline);
        List<ProfileSearchResult.Found> found = new ArrayList<>();
        for (String id : ids) {
            StoredProfile profile = profiles.get(id);
            if (profile == null) continue; // a _profileId value that names no profile
            List<SearchKey> foundBy = new ArrayList<>();
            List<Set<String>> valuesPerKey = page.get(id);
            for (int i = 0; i < request.keys().size(); i++) {
                Set<String> values = valuesPerKey.get(i);
                if (!values.isEmpty()) foundBy.add(new SearchKey(request.keys().get(i).keyName(), List.copyOf(values)));
            }
            found.add(new ProfileSearchResult.Found(profile, foundBy));
        }
        return new ProfileSearchResult(found, more ? encodeSearchToken(ids.get(ids.size() - 1)) : null);
    }

    /** One value's holders, ascending, with the value(s) as the caller wrote them. */
    private static final class HolderStream {
        final Iterator<String> ids;
        final Set<String> givenValues = new LinkedHashSet<>();
        String head;

        HolderStream(String givenValue, Iterator<String> ids) {
            this.ids = ids;
            givenValues.add(givenValue);
            advance();
        }

        void alsoFoundBy(String givenValue) { givenValues.add(givenValue); }

        void advance() { head = ids.hasNext() ? ids.next() : null; }
    }

    /** The smallest id any stream holds (OR), with the values of each key that found it; null when all are done. */
    private static Map.Entry<String, List<Set<String>>> nextInAny(List<List<HolderStream>> streamsPerKey) {
        String min = null;
        for (List<HolderStream> streams : streamsPerKey) {
            for (HolderStream st : streams) if (st.head != null && (min == null || st.head.compareTo(min) < 0)) min = st.head;
        }
        return min == null ? null : Map.entry(min, take(streamsPerKey, min));
    }

    /** The smallest id every key holds (AND); streams skip ids some key lacks. */
    private static Map.Entry<String, List<Set<String>>> nextInAll(List<List<HolderStream>> streamsPerKey) {
        while (true) {
            String target = null;
            for (List<HolderStream> streams : streamsPerKey) {
                String keyMin = null;
                for (HolderStream st : streams) if (st.head != null && (keyMin == null || st.head.compareTo(keyMin) < 0)) keyMin = st.head;
                if (keyMin == null) return null; // a key with no holders left: no more matches
                if (target == null || keyMin.compareTo(target) > 0) target = keyMin;
            }
            boolean everyKeyHasIt = true;
            for (List<HolderStream> streams : streamsPerKey) {
                boolean has = false;
                for (HolderStream st : streams) {
                    while (st.head != null && st.head.compareTo(target) < 0) st.advance();
                    if (target.equals(st.head)) has = true;
                }
                everyKeyHasIt &= has;
            }
            if (everyKeyHasIt) return Map.entry(target, take(streamsPerKey, target));
        }
    }

    /** Consumes {@code id} from every stream at it, recording which given values found it, per key. */
    private static List<Set<String>> take(List<List<HolderStream>> streamsPerKey, String id) {
        List<Set<String>> values = new ArrayList<>();
        for (List<HolderStream> streams : streamsPerKey) {
            Set<String> found = new LinkedHashSet<>();
            for (HolderStream st : streams) {
                if (id.equals(st.head)) {
                    found.addAll(st.givenValues);
                    st.advance();
                }
            }
            values.add(found);
        }
        return values;
    }

    /** A profile's objects of one type, optionally only those holding one of the filter's values. */
    public ObjectPage listObjects(ListProfileObjectsRequest request, Deadline deadline) {
        Domain domain = domains.get(request.domainName(), deadline);
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
                request.maxResults(), request.nextToken(), deadline);
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

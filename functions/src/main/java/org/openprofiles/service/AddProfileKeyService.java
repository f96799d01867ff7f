package org.openprofiles.service;

import java.util.LinkedHashSet;
import java.util.Set;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.model.KeyValue;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.ProfileStore;

/**
 * AddProfileKey: the profile joins the holders of each value, normalised as the domain
 * normalises that key. A value held by another profile stays shared (it becomes ambiguous for
 * resolution); re-adding a value is a no-op that still answers 200.
 */
public final class AddProfileKeyService {
    private final Domains domains;
    private final ProfileStore store;

    public AddProfileKeyService(Domains domains, ProfileStore store) {
        this.domains = domains;
        this.store = store;
    }

    public Domains domains() {
        return domains;
    }

    public void addKey(AddProfileKeyRequest request, Deadline deadline) {
        Domain domain = domains.get(request.domainName(), deadline);
        ContentType contentType = domain.keyContentType(request.keyName());
        Set<KeyValue> keys = new LinkedHashSet<>();
        for (String value : request.values()) {
            String normalised = Normaliser.normalise(contentType, value);
            if (normalised.isEmpty()) {
                if (contentType == ContentType.PHONE_NUMBER) {
                    throw ServiceException.badRequest("Values holds '" + value + "', which is not a phone number, and key "
                            + request.keyName() + " holds phone numbers: " + Normaliser.PHONE_RULE);
                }
                throw ServiceException.badRequest("Values holds '" + value + "', which is empty once normalised as "
                        + contentType + " for key " + request.keyName());
            }
            keys.add(new KeyValue(request.keyName(), normalised));
        }
        store.addKeys(domain.name(), request.profileId(), keys, Audits.of(domain), deadline);
    }
}

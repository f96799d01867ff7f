package org.openprofiles.service;

import org.openprofiles.model.Deadline;
import org.openprofiles.model.Domain;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.ProfileStore.HistoryPage;
import org.openprofiles.store.ProfileStore.HistoryRecord;

/**
 * ListProfileHistoryRecords and GetProfileHistoryRecord: a profile's audit trail, newest first, which the store writes
 * with every change (404 for an unknown domain or profile, or an id not among the profile's records).
 */
public final class ProfileHistoryService {
    private final Domains domains;
    private final ProfileStore store;

    public ProfileHistoryService(Domains domains, ProfileStore store) {
        this.domains = domains;
        this.store = store;
    }

    public Domains domains() {
        return domains;
    }

    public HistoryPage list(ProfileHistoryRequests.ListRecords request, Deadline deadline) {
        Domain domain = domains.get(request.domainName(), deadline);
        return store.history(domain.name(), request.profileId(), request.filter(), request.maxResults(), request.nextToken(), deadline);
    }

    public HistoryRecord get(ProfileHistoryRequests.GetRecord request, Deadline deadline) {
        Domain domain = domains.get(request.domainName(), deadline);
        return store.historyRecord(domain.name(), request.profileId(), request.id(), deadline);
    }
}

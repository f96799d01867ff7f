package org.openprofiles.service;

import org.openprofiles.model.Caller;
import org.openprofiles.model.Domain;
import org.openprofiles.store.ProfileStore.Audit;

/** What the history records of a change in a domain say of it: who made it (the request's caller), how long they are kept. */
final class Audits {
    private Audits() {}

    /** Records are kept as long as the domain keeps its data (DefaultExpirationDays). */
    static Audit of(Domain domain) {
        return new Audit(Caller.current(), domain.defaultExpirationDays());
    }
}

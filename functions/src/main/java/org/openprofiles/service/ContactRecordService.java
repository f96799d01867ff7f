package org.openprofiles.service;

import java.time.Clock;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.ProfileStore;

/**
 * Amazon Connect's contact-record stream in: each record is stored as an object of the configured domain's
 * contact-record type through PutProfileObject (the same validation and resolution), once and newest first: a copy is
 * written only over an older one ({@link PutProfileObjectService#putIfNewer}), so a redelivery, a replay or a copy
 * that arrives after a newer one changes nothing. A record that can never be stored is set aside with its content
 * and the reason ({@link ProfileStore#setAside}) rather than failing its batch, which would hold its shard forever.
 */
public final class ContactRecordService {
    /** The object type Connect's records go to when none is configured: the name AWS documents for the CTR templates. */
    public static final String DEFAULT_OBJECT_TYPE = "CTR";

    public enum Outcome {
        /** Written: the first copy, or a newer one. */
        STORED,
        /** This copy or a newer one was already stored: nothing written. */
        UNCHANGED,
        /** Can never be stored: set aside with its content and the reason. */
        SET_ASIDE
    }

    private final PutProfileObjectService puts;
    private final ProfileStore store;
    private final Clock clock;
    private final String domainName;
    private final String objectTypeName;

    /** @throws IllegalArgumentException when the domain or type name could never name one (a configuration error) */
    public ContactRecordService(PutProfileObjectService puts, ProfileStore store, Clock clock, String domainName,
                                String objectTypeName) {
        try {
            this.domainName = DomainNames.check(domainName);
            this.objectTypeName = PutProfileObjectRequest.checkTypeName(RequestFields.requiredUriMember(objectTypeName, "ObjectTypeName"));
        } catch (ServiceException e) {
            throw new IllegalArgumentException("The contact records' destination is misconfigured: " + e.getMessage(), e);
        }
        this.puts = puts;
        this.store = store;
        this.clock = clock;
    }

    public String domainName() {
        return domainName;
    }

    /**
     * Stores one record, or sets it aside.
     *
     * @param recordId where the record came from, unique per record (a redelivery has the same)
     * @throws ServiceException ThrottlingException (and any other failure): nothing decided, the record must be delivered again
     */
    public Outcome ingest(String recordId, byte[] data, Deadline deadline) {
        ContactRecord.Refused refused;
        try {
            ContactRecord record = ContactRecord.parse(data);
            PutProfileObjectRequest request = PutProfileObjectRequest.of(domainName, objectTypeName, record.json(), record.object());
            return puts.putIfNewer(request, record.lastUpdatedAt(), deadline).written() ? Outcome.STORED : Outcome.UNCHANGED;
        } catch (ContactRecord.Refused e) {
            refused = e;
        } catch (ServiceException e) {
            // What PutProfileObject answers 400 or 404 it answers for these bytes on every delivery (a type created later
            // is a replay away: the dead letter keeps the record). Throttling and internal errors pass: delivered again.
            if (e.type() == ServiceException.Type.BadRequestException) {
                refused = new ContactRecord.Refused(ContactRecord.Problem.INVALID, e.getMessage());
            } else if (e.type() == ServiceException.Type.ResourceNotFoundException) {
                refused = new ContactRecord.Refused(ContactRecord.Problem.UNKNOWN_DOMAIN_OR_TYPE, e.getMessage());
            } else {
                throw e;
            }
        }
        store.setAside(new ProfileStore.DeadLetter(domainName, objectTypeName, recordId, refused.problem().name(),
                refused.getMessage(), data, clock.instant()), deadline);
        return Outcome.SET_ASIDE;
    }
}

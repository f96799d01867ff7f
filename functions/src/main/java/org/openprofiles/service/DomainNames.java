package org.openprofiles.service;

import org.openprofiles.config.Names;

/** The DomainName URI member, checked the same way by every operation. */
final class DomainNames {
    private DomainNames() {}

    static String check(String domainName) {
        String domain = RequestFields.requiredUriMember(domainName, "DomainName");
        RequestFields.checkLength("DomainName", domain, Names.NAME_MIN, Names.NAME_MAX);
        RequestFields.checkPattern("DomainName", domain, Names.NAME);
        return domain;
    }
}

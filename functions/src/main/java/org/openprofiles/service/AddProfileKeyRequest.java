package org.openprofiles.service;

import java.util.List;
import java.util.Map;

/** A validated AddProfileKey request. */
public record AddProfileKeyRequest(String domainName, String profileId, String keyName, List<String> values) {
    /**
     * Values per call. The model sets no maximum; this bound keeps a call inside one DynamoDB
     * transaction (100 items) with room to spare. Documented in the README.
     */
    public static final int MAX_VALUES = 20;

    public static AddProfileKeyRequest parse(String domainName, String body) {
        String domain = DomainNames.check(domainName);
        Map<String, Object> request = RequestFields.parseBody(body);
        String profileId = RequestFields.profileId(request, "ProfileId");
        String keyName = RequestFields.keyName(request, "KeyName");
        List<String> values = RequestFields.values(request, "Values", MAX_VALUES);
        return new AddProfileKeyRequest(domain, profileId, keyName, List.copyOf(values));
    }
}

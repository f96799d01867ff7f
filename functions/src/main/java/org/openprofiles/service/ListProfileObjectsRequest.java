package org.openprofiles.service;

import static org.openprofiles.service.RequestFields.checkLength;
import static org.openprofiles.service.RequestFields.checkPattern;

import java.util.Map;
import org.openprofiles.config.Names;

/**
 * A validated ListProfileObjects request.
 *
 * @param filter the ObjectFilter, or null
 */
public record ListProfileObjectsRequest(String domainName, String objectTypeName, String profileId, SearchKey filter,
                                        int maxResults, String nextToken) {
    public static final int MAX_FILTER_VALUES = 20;

    public static ListProfileObjectsRequest parse(String domainName, String body, String maxResults, String nextToken) {
        String domain = DomainNames.check(domainName);
        int pageSize = RequestFields.maxResults(maxResults);
        String token = RequestFields.nextToken(nextToken);
        Map<String, Object> request = RequestFields.parseBody(body);
        String typeName = RequestFields.requiredString(request, "ObjectTypeName");
        checkLength("ObjectTypeName", typeName, Names.TYPE_NAME_MIN, Names.TYPE_NAME_MAX);
        checkPattern("ObjectTypeName", typeName, Names.TYPE_NAME);
        String profileId = RequestFields.profileId(request, "ProfileId");
        Map<String, Object> filter = RequestFields.optionalObject(request, "ObjectFilter");
        SearchKey objectFilter = filter == null ? null : new SearchKey(
                RequestFields.keyName(filter, "ObjectFilter.KeyName"),
                RequestFields.values(filter, "ObjectFilter.Values", MAX_FILTER_VALUES));
        return new ListProfileObjectsRequest(domain, typeName, profileId, objectFilter, pageSize, token);
    }
}

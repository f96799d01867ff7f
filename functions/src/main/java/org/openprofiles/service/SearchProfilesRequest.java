package org.openprofiles.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openprofiles.json.Json;
import org.openprofiles.model.ServiceException;

/**
 * A validated SearchProfiles request.
 *
 * @param keys     the main key first, then AdditionalSearchKeys
 * @param matchAll LogicalOperator AND (true) or OR (false, the default)
 */
public record SearchProfilesRequest(String domainName, List<SearchKey> keys, boolean matchAll, int maxResults,
                                    String nextToken) {
    /** Values per search key; five keys of 20 values fit one BatchGetItem of 100 items. */
    public static final int MAX_VALUES = 20;
    public static final int MAX_ADDITIONAL_KEYS = 4;

    public static SearchProfilesRequest parse(String domainName, String body, String maxResults, String nextToken) {
        String domain = DomainNames.check(domainName);
        int pageSize = RequestFields.maxResults(maxResults);
        String token = RequestFields.nextToken(nextToken);
        Map<String, Object> request = RequestFields.parseBody(body);
        List<SearchKey> keys = new ArrayList<>();
        keys.add(new SearchKey(RequestFields.keyName(request, "KeyName"), RequestFields.values(request, "Values", MAX_VALUES)));

        Object additional = request.get("AdditionalSearchKeys");
        if (additional != null && additional != Json.NULL) {
            if (!(additional instanceof List<?> list) || list.isEmpty() || list.size() > MAX_ADDITIONAL_KEYS) {
                throw ServiceException.badRequest("AdditionalSearchKeys must be a list of 1 to " + MAX_ADDITIONAL_KEYS + " search keys");
            }
            for (Object item : list) {
                if (!(item instanceof Map<?, ?>)) throw ServiceException.badRequest("AdditionalSearchKeys items must be JSON objects");
                @SuppressWarnings("unchecked")
                Map<String, Object> key = (Map<String, Object>) item;
                keys.add(new SearchKey(RequestFields.keyName(key, "AdditionalSearchKeys.KeyName"),
                        RequestFields.values(key, "AdditionalSearchKeys.Values", MAX_VALUES)));
            }
        }

        boolean matchAll = false;
        Object operator = request.get("LogicalOperator");
        if (operator != null && operator != Json.NULL) {
            if ("AND".equals(operator)) matchAll = true;
            else if (!"OR".equals(operator)) throw ServiceException.badRequest("LogicalOperator must be AND or OR");
        }
        return new SearchProfilesRequest(domain, List.copyOf(keys), matchAll, pageSize, token);
    }
}

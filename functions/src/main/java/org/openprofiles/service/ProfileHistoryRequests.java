package org.openprofiles.service;

import static org.openprofiles.service.RequestFields.checkLength;
import static org.openprofiles.service.RequestFields.checkPattern;

import java.util.Arrays;
import java.util.Map;
import org.openprofiles.config.Names;
import org.openprofiles.json.Json;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.ProfileStore.HistoryAction;
import org.openprofiles.store.ProfileStore.HistoryFilter;

/** Validated ListProfileHistoryRecords and GetProfileHistoryRecord requests (the service model's members and rules). */
public final class ProfileHistoryRequests {
    private ProfileHistoryRequests() {}

    /** A listing: the profile, the filters (all applying), a page. */
    public record ListRecords(String domainName, String profileId, HistoryFilter filter, int maxResults, String nextToken) {}

    /** One record of a profile. */
    public record GetRecord(String domainName, String profileId, String id) {}

    public static ListRecords list(String domainName, String body, String maxResults, String nextToken) {
        String domain = DomainNames.check(domainName);
        int pageSize = RequestFields.maxResults(maxResults);
        String token = RequestFields.nextToken(nextToken);
        Map<String, Object> request = RequestFields.parseBody(body);
        String profileId = RequestFields.profileId(request, "ProfileId");
        String typeName = optionalString(request, "ObjectTypeName");
        if (typeName != null) {
            checkLength("ObjectTypeName", typeName, Names.TYPE_NAME_MIN, Names.TYPE_NAME_MAX);
            checkPattern("ObjectTypeName", typeName, Names.TYPE_NAME);
        }
        String action = optionalString(request, "ActionType");
        HistoryAction actionType = null;
        if (action != null) {
            try {
                actionType = HistoryAction.valueOf(action);
            } catch (IllegalArgumentException e) {
                throw ServiceException.badRequest("ActionType must be one of " + Arrays.toString(HistoryAction.values()) + " (was '"
                        + action + "')");
            }
        }
        String performedBy = optionalString(request, "PerformedBy");
        if (performedBy != null) checkLength("PerformedBy", performedBy, 1, RequestFields.MAX_VALUE_LENGTH);
        return new ListRecords(domain, profileId, new HistoryFilter(actionType, typeName, performedBy), pageSize, token);
    }

    /** The URI members, as API Gateway decoded them. */
    public static GetRecord get(String domainName, String profileId, String id) {
        String domain = DomainNames.check(domainName);
        String profile = RequestFields.requiredUriMember(profileId, "ProfileId");
        checkPattern("ProfileId", profile, RequestFields.PROFILE_ID);
        String recordId = RequestFields.requiredUriMember(id, "Id");
        checkPattern("Id", recordId, RequestFields.PROFILE_ID);
        return new GetRecord(domain, profile, recordId);
    }

    private static String optionalString(Map<String, Object> body, String member) {
        Object value = body.get(member);
        if (value == null || value == Json.NULL) return null;
        if (!(value instanceof String s)) throw ServiceException.badRequest(member + " must be a string");
        return s;
    }
}

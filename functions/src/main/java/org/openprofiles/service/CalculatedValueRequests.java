package org.openprofiles.service;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.openprofiles.calculated.Conditions;
import org.openprofiles.calculated.Timestamps;
import org.openprofiles.config.CalculatedAttributeRules;
import org.openprofiles.config.DomainConfigException;
import org.openprofiles.json.Json;
import org.openprofiles.model.ServiceException;

/** The per-profile operations' requests, checked against the model (every 400 names the member), and their answers' shapes. */
public final class CalculatedValueRequests {
    /** The model's BatchGetCalculatedAttributeForProfileIdList: 1 to 100 ids. */
    static final int MAX_PROFILE_IDS = 100;

    private CalculatedValueRequests() {}

    /**
     * A BatchGet request: distinct ids in the order given, and the ConditionOverrides range (null: none).
     *
     * @param conditionOverrides the overrides exactly as given, echoed in the response
     */
    public record BatchRequest(List<String> profileIds, Integer overrideStart, Integer overrideEnd, Map<String, Object> conditionOverrides) {}

    static String profileId(String value) {
        String id = RequestFields.requiredUriMember(value, "ProfileId");
        RequestFields.checkPattern("ProfileId", id, RequestFields.PROFILE_ID);
        return id;
    }

    static String attributeName(String value) {
        try {
            return CalculatedAttributeRules.checkName(RequestFields.requiredUriMember(value, "CalculatedAttributeName"));
        } catch (DomainConfigException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
    }

    static BatchRequest batch(String body) {
        Map<String, Object> request = RequestFields.parseBody(body);
        if (!(request.get("ProfileIds") instanceof List<?> ids) || ids.isEmpty() || ids.size() > MAX_PROFILE_IDS) {
            throw ServiceException.badRequest("ProfileIds is required: a list of 1 to " + MAX_PROFILE_IDS + " profile ids");
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (Object id : ids) {
            if (!(id instanceof String s) || !RequestFields.PROFILE_ID.matcher(s).matches()) {
                throw ServiceException.badRequest("ProfileIds: each id must be 32 lowercase hexadecimal characters");
            }
            distinct.add(s); // an id given twice is answered once
        }
        Map<String, Object> overrides = RequestFields.optionalObject(request, "ConditionOverrides");
        Integer start = null;
        Integer end = null;
        if (overrides != null && overrides.get("Range") != null) {
            if (!(overrides.get("Range") instanceof Map<?, ?> range)) throw ServiceException.badRequest("ConditionOverrides.Range must be a JSON object");
            if (!(range.get("Unit") instanceof String unit) || !unit.equals(Conditions.DAYS)) {
                throw ServiceException.badRequest("ConditionOverrides.Range.Unit is required and must be DAYS");
            }
            start = integer(range.get("Start"), "ConditionOverrides.Range.Start", true);
            end = range.get("End") == null ? 0 : integer(range.get("End"), "ConditionOverrides.Range.End", false);
            if (start < end) {
                throw ServiceException.badRequest("ConditionOverrides.Range.Start must be at least End (both are days before now: "
                        + start + " is after " + end + ")");
            }
        }
        return new BatchRequest(new ArrayList<>(distinct), start, end, overrides);
    }

    private static int integer(Object value, String member, boolean required) {
        if (value == null || value == Json.NULL) {
            if (required) throw ServiceException.badRequest(member + " is required");
        }
        BigDecimal number = value instanceof Json.JsonNumber n ? org.openprofiles.calculated.Values.decimal(n.text()) : null;
        if (number == null || number.stripTrailingZeros().scale() > 0 || number.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw ServiceException.badRequest(member + " must be a whole number of days (a 32-bit integer)");
        }
        return number.intValueExact();
    }

    /** A value as the per-profile operations answer it; BatchGet's items also carry the ProfileId. */
    public static Map<String, Object> shape(CalculatedValueService.Value value, boolean withProfileId) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("CalculatedAttributeName", value.definition().name());
        if (value.definition().displayName() != null) item.put("DisplayName", value.definition().displayName());
        item.put("IsDataPartial", Boolean.toString(value.result().dataPartial()));
        if (withProfileId) item.put("ProfileId", value.profileId());
        if (value.result().value() != null) item.put("Value", value.result().value());
        if (value.result().lastObjectTimestampMillis() != null) {
            item.put("LastObjectTimestamp", new Json.JsonNumber(Timestamps.seconds(value.result().lastObjectTimestampMillis()).toPlainString()));
        }
        return item;
    }
}

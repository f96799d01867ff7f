package org.openprofiles.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.config.TagRules;
import org.openprofiles.json.Json;
import org.openprofiles.model.ServiceException;

/**
 * The settings members of CreateDomain and UpdateDomain, checked against every constraint of the
 * model. What this implementation keeps: DefaultExpirationDays and Tags, and Matching,
 * RuleBasedMatching and DataStore when they only say {@code "Enabled": false}. A feature it does not
 * have is a 400 that says so, never a silent no-op.
 */
final class DomainSettings {
    static final String DEFAULT_EXPIRATION_DAYS = "DefaultExpirationDays";
    static final List<String> MEMBERS = List.of(DEFAULT_EXPIRATION_DAYS, "DefaultEncryptionKey", "DeadLetterQueueUrl",
            "Matching", "RuleBasedMatching", "DataStore", "Tags");
    /** Members whose only accepted value is "disabled" (the model requires Enabled in the first two). */
    static final Map<String, String> SWITCHED_OFF = Map.of(
            "Matching", "this implementation resolves profiles by keys at ingestion and has no matching jobs",
            "RuleBasedMatching", "this implementation resolves profiles by keys at ingestion and has no rule-based matching",
            "DataStore", "this implementation has no data store");

    private DomainSettings() {}

    /**
     * The settings of a request body, as they will be stored and echoed.
     *
     * @param create CreateDomain (DefaultExpirationDays required) rather than UpdateDomain
     */
    static Map<String, Object> parse(Map<String, Object> body, boolean create) {
        for (String member : body.keySet()) {
            if (!MEMBERS.contains(member)) {
                throw ServiceException.badRequest("Unknown member '" + member + "': " + (create ? "CreateDomain" : "UpdateDomain")
                        + " takes " + String.join(", ", MEMBERS));
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        Object days = body.get(DEFAULT_EXPIRATION_DAYS);
        if (days == null || days == Json.NULL) {
            if (create) throw ServiceException.badRequest(DEFAULT_EXPIRATION_DAYS + " is required: " + DomainLoader.EXPIRATION_DAYS_RULE);
        } else {
            settings.put(DEFAULT_EXPIRATION_DAYS, new Json.JsonNumber(Integer.toString(DomainLoader.expirationDays(days).orElseThrow(
                    () -> ServiceException.badRequest(DEFAULT_EXPIRATION_DAYS + " must be " + DomainLoader.EXPIRATION_DAYS_RULE)))));
        }
        emptyOrUnsupported(body, "DefaultEncryptionKey",
                "customer managed keys are not supported: the table is encrypted with an AWS managed key; leave DefaultEncryptionKey out");
        emptyOrUnsupported(body, "DeadLetterQueueUrl",
                "a dead-letter queue is not supported: objects that match no profile are kept unattached and listed by type (see the README)");
        for (Map.Entry<String, String> feature : SWITCHED_OFF.entrySet()) {
            String member = feature.getKey();
            if (body.containsKey(member) && body.get(member) != Json.NULL) settings.put(member, switchedOff(member, body.get(member), feature.getValue()));
        }
        if (body.containsKey("Tags") && body.get("Tags") != Json.NULL) {
            String problem = TagRules.problem(body.get("Tags"));
            if (problem != null) throw ServiceException.badRequest(problem);
            settings.put("Tags", TagRules.copy(body.get("Tags")));
        }
        return settings;
    }

    /** A string of at most 255 characters that must be empty: the feature behind it is not implemented. */
    private static void emptyOrUnsupported(Map<String, Object> body, String member, String why) {
        Object value = body.get(member);
        if (value == null || value == Json.NULL) return;
        if (!(value instanceof String s)) throw ServiceException.badRequest(member + " must be a string");
        RequestFields.checkLength(member, s, 0, 255);
        if (!s.isEmpty()) throw ServiceException.badRequest(member + " is not supported by this implementation: " + why);
    }

    private static Map<String, Object> switchedOff(String member, Object value, String why) {
        if (!(value instanceof Map<?, ?> map)) throw ServiceException.badRequest(member + " must be a JSON object");
        Object enabled = map.get("Enabled");
        if (!member.equals("DataStore") && (enabled == null || enabled == Json.NULL)) {
            throw ServiceException.badRequest(member + ".Enabled is required (a JSON boolean)");
        }
        if (enabled != null && enabled != Json.NULL && !(enabled instanceof Boolean)) {
            throw ServiceException.badRequest(member + ".Enabled must be a JSON boolean");
        }
        if (Boolean.TRUE.equals(enabled) || !Set.of("Enabled").containsAll(map.keySet())) {
            throw ServiceException.badRequest(member + " is not supported by this implementation (" + why
                    + "): only {\"Enabled\": false} is accepted");
        }
        Map<String, Object> off = new LinkedHashMap<>();
        if (enabled != null && enabled != Json.NULL) off.put("Enabled", Boolean.FALSE);
        return off;
    }

    /** DefaultExpirationDays of stored settings (always present: CreateDomain requires it). */
    static int defaultExpirationDays(String storedSettings) {
        Object days = ((Map<?, ?>) Json.parse(storedSettings)).get(DEFAULT_EXPIRATION_DAYS);
        return Integer.parseInt(((Json.JsonNumber) days).text());
    }
}

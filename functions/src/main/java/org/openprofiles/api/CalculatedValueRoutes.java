package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.service.CalculatedValueRequests;
import org.openprofiles.service.CalculatedValueService;

/**
 * The per-profile calculated attribute reads, served by the read-only function ({@link ReadProfilesHandler}): the model's
 * paths, with the singular {@code /profile/} of the per-profile ones.
 */
final class CalculatedValueRoutes {
    static final String VALUE = "/domains/{DomainName}/profile/{ProfileId}/calculated-attributes/{CalculatedAttributeName}";
    static final String VALUES = "/domains/{DomainName}/profile/{ProfileId}/calculated-attributes";
    static final String BATCH = "/domains/{DomainName}/calculated-attributes/{CalculatedAttributeName}/batch-get-for-profiles";

    /** Method, resource, operation. */
    static final List<List<String>> ROUTES = List.of(
            List.of("GET", VALUE, "GetCalculatedAttributeForProfile"),
            List.of("GET", VALUES, "ListCalculatedAttributesForProfile"),
            List.of("POST", BATCH, "BatchGetCalculatedAttributeForProfile"));

    private CalculatedValueRoutes() {}

    static boolean serves(APIGatewayProxyRequestEvent event) {
        return ROUTES.stream().anyMatch(r -> r.get(1).equals(event.getResource()));
    }

    static APIGatewayProxyResponseEvent handle(CalculatedValueService service, APIGatewayProxyRequestEvent event, Context context) {
        String domain = Api.pathParameter(event, "DomainName");
        String profileId = Api.pathParameter(event, "ProfileId");
        String name = Api.pathParameter(event, "CalculatedAttributeName");
        return switch (event.getResource()) {
            case VALUE -> Api.handle("GetCalculatedAttributeForProfile", event, context,
                    () -> CalculatedValueRequests.shape(service.get(domain, profileId, name, Api.deadline(context)), false));
            case VALUES -> Api.handle("ListCalculatedAttributesForProfile", event, context, () -> service.list(domain, profileId,
                    Api.queryParameter(event, "max-results"), Api.queryParameter(event, "next-token"), Api.deadline(context)));
            default -> Api.handle("BatchGetCalculatedAttributeForProfile", event, context,
                    () -> batchResponse(service.batchGet(domain, name, Api.body(event), Api.deadline(context))));
        };
    }

    private static Map<String, Object> batchResponse(CalculatedValueService.Batch batch) {
        List<Object> errors = new ArrayList<>();
        for (String id : batch.missing()) {
            errors.add(Map.of("Code", "ResourceNotFoundException", "Message", "Profile '" + id + "' does not exist", "ProfileId", id));
        }
        List<Object> values = new ArrayList<>();
        for (CalculatedValueService.Value value : batch.values()) values.add(CalculatedValueRequests.shape(value, true));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Errors", errors);
        body.put("CalculatedAttributeValues", values);
        if (batch.conditionOverrides() != null) body.put("ConditionOverrides", batch.conditionOverrides());
        return body;
    }
}

package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.ServiceException;
import org.openprofiles.model.StandardProfile;
import org.openprofiles.service.CalculatedValueService;
import org.openprofiles.service.LifecycleRequests;
import org.openprofiles.service.ListProfileObjectsRequest;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.ProfileSearchResult;
import org.openprofiles.service.SearchKey;
import org.openprofiles.service.SearchProfilesRequest;
import org.openprofiles.store.ProfileStore.ObjectPage;
import org.openprofiles.store.ProfileStore.StoredObject;

/**
 * The read-only function: {@code POST /domains/{DomainName}/profiles/search} (SearchProfiles),
 * {@code POST /domains/{DomainName}/profiles/objects} (ListProfileObjects), BatchGetProfile, and the calculated
 * attribute reads ({@link #CALCULATED_VALUE_ROUTES}).
 */
public final class ReadProfilesHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    public static final String SEARCH_RESOURCE = "/domains/{DomainName}/profiles/search";
    /** ListProfileObjects shares PutProfileObject's path, with POST. */
    public static final String OBJECTS_RESOURCE = PutProfileObjectHandler.RESOURCE;

    /** BatchGetProfile: read-only, so it runs in this function. */
    public static final String BATCH_GET_RESOURCE = "/domains/{DomainName}/batch-get-profiles";

    private final ProfileReadService service;
    private final CalculatedValueService calculatedValues;

    /** Used by Lambda: the container's shared client, store and domains. */
    public ReadProfilesHandler() {
        this(Container.profileReadService());
        Priming.register(this::prime);
    }

    /** Both operations end to end, on a key and a profile that do not exist. */
    void prime() {
        String domain = service.domains().first();
        handleRequest(Priming.event(domain, "POST", SEARCH_RESOURCE, "{\"KeyName\":\"_priming\",\"Values\":[\"_priming\"]}"), null);
        handleRequest(Priming.event(domain, "POST", OBJECTS_RESOURCE,
                "{\"ObjectTypeName\":\"CTR\",\"ProfileId\":\"00000000000000000000000000000000\"}"), null);
    }

    public ReadProfilesHandler(ProfileReadService service) {
        this(service, new CalculatedValueService(service.domains(), service.store(), java.time.Clock.systemUTC()));
    }

    public ReadProfilesHandler(ProfileReadService service, CalculatedValueService calculatedValues) {
        this.service = service;
        this.calculatedValues = calculatedValues;
    }

    /** The calculated attribute reads this function serves too: method, resource, operation. */
    public static final List<List<String>> CALCULATED_VALUE_ROUTES = CalculatedValueRoutes.ROUTES;

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        if (CalculatedValueRoutes.serves(event)) return CalculatedValueRoutes.handle(calculatedValues, event, context);
        if (BATCH_GET_RESOURCE.equals(event.getResource())) {
            return Api.handle("BatchGetProfile", event, context, () -> batchGetResponse(service.batchGet(
                    LifecycleRequests.batchGet(Api.pathParameter(event, "DomainName"), Api.body(event)), Api.deadline(context))));
        }
        boolean search = SEARCH_RESOURCE.equals(event.getResource());
        return Api.handle(search ? "SearchProfiles" : "ListProfileObjects", event, context, () -> {
            String domain = Api.pathParameter(event, "DomainName");
            String maxResults = Api.queryParameter(event, "max-results");
            String nextToken = Api.queryParameter(event, "next-token");
            if (search) {
                return searchResponse(service.search(SearchProfilesRequest.parse(domain, Api.body(event), maxResults, nextToken), Api.deadline(context)));
            }
            if (!OBJECTS_RESOURCE.equals(event.getResource())) {
                throw ServiceException.badRequest("Unsupported resource " + event.getResource());
            }
            return objectsResponse(service.listObjects(ListProfileObjectsRequest.parse(domain, Api.body(event), maxResults, nextToken),
                    Api.deadline(context)));
        });
    }

    private static Map<String, Object> batchGetResponse(ProfileLifecycleService.BatchGet result) {
        List<Object> profiles = new ArrayList<>();
        for (var profile : result.profiles()) profiles.add(StandardProfile.shape(profile.profileId(), profile.fields()));
        List<Object> errors = new ArrayList<>();
        for (String id : result.missing()) {
            errors.add(Map.of("Code", "ResourceNotFoundException", "Message", "Profile '" + id + "' does not exist", "ProfileId", id));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Errors", errors);
        body.put("Profiles", profiles);
        return body;
    }

    private static Map<String, Object> searchResponse(ProfileSearchResult result) {
        List<Object> items = new ArrayList<>();
        for (ProfileSearchResult.Found found : result.profiles()) {
            Map<String, Object> profile = StandardProfile.shape(found.profile().profileId(), found.profile().fields());
            List<Object> foundBy = new ArrayList<>();
            for (SearchKey key : found.foundBy()) {
                foundBy.add(Map.of("KeyName", key.keyName(), "Values", key.values()));
            }
            profile.put("FoundByItems", foundBy);
            items.add(profile);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Items", items);
        if (result.nextToken() != null) body.put("NextToken", result.nextToken());
        return body;
    }

    private static Map<String, Object> objectsResponse(ObjectPage page) {
        List<Object> items = new ArrayList<>();
        for (StoredObject object : page.objects()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("ObjectTypeName", object.objectTypeName());
            item.put("ProfileObjectUniqueKey", object.profileObjectUniqueKey());
            item.put("Object", object.object());
            items.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Items", items);
        if (page.nextToken() != null) body.put("NextToken", page.nextToken());
        return body;
    }
}

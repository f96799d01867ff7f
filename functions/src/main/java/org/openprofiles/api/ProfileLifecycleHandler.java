package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.Map;
import org.openprofiles.model.ServiceException;
import org.openprofiles.service.LifecycleRequests;
import org.openprofiles.service.ProfileLifecycleService;

/**
 * The profile-managing function: CreateProfile {@code POST /domains/{DomainName}/profiles},
 * UpdateProfile {@code PUT} on the same path, DeleteProfile {@code POST .../profiles/delete},
 * DeleteProfileKey {@code POST .../profiles/keys/delete}, DeleteProfileObject
 * {@code POST .../profiles/objects/delete}, MergeProfiles {@code POST .../profiles/objects/merge}.
 */
public final class ProfileLifecycleHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    public static final String PROFILES_RESOURCE = "/domains/{DomainName}/profiles";
    public static final String DELETE_RESOURCE = "/domains/{DomainName}/profiles/delete";
    public static final String DELETE_KEY_RESOURCE = "/domains/{DomainName}/profiles/keys/delete";
    public static final String DELETE_OBJECT_RESOURCE = "/domains/{DomainName}/profiles/objects/delete";
    public static final String MERGE_RESOURCE = "/domains/{DomainName}/profiles/objects/merge";

    private final ProfileLifecycleService service;

    /** Used by Lambda: the container's shared client, store and domains. */
    public ProfileLifecycleHandler() {
        this(Container.profileLifecycleService());
        Priming.register(this::prime);
    }

    /** DeleteProfileKey end to end on a profile that does not exist: one read, nothing written. */
    void prime() {
        handleRequest(Priming.event(service.domains().first(), "POST", DELETE_KEY_RESOURCE,
                "{\"ProfileId\":\"00000000000000000000000000000000\",\"KeyName\":\"_priming\",\"Values\":[\"_priming\"]}"), null);
    }

    public ProfileLifecycleHandler(ProfileLifecycleService service) {
        this.service = service;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        String resource = event.getResource();
        String method = event.getHttpMethod();
        String operation = operation(method, resource);
        return Api.handle(operation, event, context, () -> {
            String domain = Api.pathParameter(event, "DomainName");
            String body = Api.body(event);
            switch (operation) {
                case "CreateProfile":
                    return Map.of("ProfileId", service.create(LifecycleRequests.create(domain, body), Api.deadline(context)));
                case "UpdateProfile": {
                    LifecycleRequests.ProfileFields request = LifecycleRequests.update(domain, body);
                    service.update(request, Api.deadline(context));
                    return Map.of("ProfileId", request.profileId());
                }
                case "DeleteProfile":
                    service.delete(LifecycleRequests.deleteProfile(domain, body), Api.deadline(context));
                    return Map.of("Message", "Profile deleted: its fields, keys and objects are erased");
                case "DeleteProfileKey":
                    service.deleteKey(LifecycleRequests.deleteKey(domain, body), Api.deadline(context));
                    return Map.of("Message", "Key values removed from the profile");
                case "DeleteProfileObject":
                    service.deleteObject(LifecycleRequests.deleteObject(domain, body), Api.deadline(context));
                    return Map.of("Message", "Profile object deleted");
                case "MergeProfiles":
                    service.merge(LifecycleRequests.merge(domain, body), Api.deadline(context));
                    return Map.of("Message", "Profiles merged into the main profile");
                default:
                    throw ServiceException.badRequest("Unsupported route " + method + " " + resource);
            }
        });
    }

    static String operation(String method, String resource) {
        if (PROFILES_RESOURCE.equals(resource)) return "PUT".equals(method) ? "UpdateProfile" : "CreateProfile";
        if (DELETE_RESOURCE.equals(resource)) return "DeleteProfile";
        if (DELETE_KEY_RESOURCE.equals(resource)) return "DeleteProfileKey";
        if (DELETE_OBJECT_RESOURCE.equals(resource)) return "DeleteProfileObject";
        if (MERGE_RESOURCE.equals(resource)) return "MergeProfiles";
        return "Unknown";
    }
}

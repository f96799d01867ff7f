package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.Map;
import org.openprofiles.service.PutProfileObjectRequest;
import org.openprofiles.service.PutProfileObjectService;

/** {@code PUT /domains/{DomainName}/profiles/objects}. */
public final class PutProfileObjectHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    public static final String RESOURCE = "/domains/{DomainName}/profiles/objects";

    private final PutProfileObjectService service;

    /** Used by Lambda: the container's shared client, store and domains. */
    public PutProfileObjectHandler() {
        this(Container.putProfileObjectService());
        Priming.register(this::prime);
    }

    /** Validation, mapping and the error path (an object without its UNIQUE key), then one read. */
    void prime() {
        handleRequest(Priming.event(service.domains().first(), "PUT", RESOURCE, "{\"ObjectTypeName\":\"CTR\",\"Object\":\"{}\"}"), null);
        service.warmUp();
    }

    public PutProfileObjectHandler(PutProfileObjectService service) {
        this.service = service;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return Api.handle("PutProfileObject", event, context, () -> {
            PutProfileObjectRequest request = PutProfileObjectRequest.parse(
                    Api.pathParameter(event, "DomainName"), Api.body(event));
            return Map.of("ProfileObjectUniqueKey", service.put(request, Api.deadline(context)));
        });
    }
}

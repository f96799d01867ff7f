package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openprofiles.service.AddProfileKeyRequest;
import org.openprofiles.service.AddProfileKeyService;

/** {@code POST /domains/{DomainName}/profiles/keys}. */
public final class AddProfileKeyHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    public static final String RESOURCE = "/domains/{DomainName}/profiles/keys";

    private final AddProfileKeyService service;

    /** Used by Lambda: the container's shared client, store and domains. */
    public AddProfileKeyHandler() {
        this(Container.addProfileKeyService());
        Priming.register(this::prime);
    }

    /** The whole path: the transaction's profile check fails (no such profile), so nothing is written. */
    void prime() {
        handleRequest(Priming.event(service.domains().first(), "POST", RESOURCE,
                "{\"ProfileId\":\"00000000000000000000000000000000\",\"KeyName\":\"_priming\",\"Values\":[\"_priming\"]}"), null);
    }

    public AddProfileKeyHandler(AddProfileKeyService service) {
        this.service = service;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return Api.handle("AddProfileKey", event, context, () -> {
            AddProfileKeyRequest request = AddProfileKeyRequest.parse(Api.pathParameter(event, "DomainName"), Api.body(event));
            service.addKey(request, Api.deadline(context));
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("KeyName", request.keyName());
            echo.put("Values", request.values());
            return echo;
        });
    }
}

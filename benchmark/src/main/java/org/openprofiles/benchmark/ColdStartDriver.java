package org.openprofiles.benchmark;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;

/**
 * One cold start, as Lambda does it: a fresh JVM with the shaded jar, the handler's no-arg
 * constructor (which builds the container's client and configuration), then the first request.
 * Prints "FIRST_RESPONSE <status> <peak heap bytes>" when the response is ready.
 */
public final class ColdStartDriver {
    public static void main(String[] args) {
        String handler = args[0];
        String body = args[1];
        String profileId = args.length > 2 ? args[2] : null;
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> instance;
        String method = "POST";
        String resource;
        switch (handler) {
            case "PutProfileObject" -> { instance = new PutProfileObjectHandler(); method = "PUT"; resource = "/domains/{DomainName}/profiles/objects"; }
            case "AddProfileKey" -> { instance = new AddProfileKeyHandler(); resource = "/domains/{DomainName}/profiles/keys"; }
            case "SearchProfiles" -> { instance = new ReadProfilesHandler(); resource = ReadProfilesHandler.SEARCH_RESOURCE; }
            default -> throw new IllegalArgumentException(handler);
        }
        if (profileId != null) body = body.replace("PROFILE_ID", profileId);
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent().withHttpMethod(method).withResource(resource)
                .withPathParameters(Map.of("DomainName", "ExampleDomainName")).withBody(body);
        APIGatewayProxyResponseEvent response = instance.handleRequest(event, null);
        System.out.println("FIRST_RESPONSE " + response.getStatusCode() + " " + peakHeap());
    }

    static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        return peak;
    }
}

package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before Lambda snapshots an initialised function, each handler runs its own
 * request path once (class loading, JIT profiles, the HTTP connection, one DynamoDB call that
 * writes nothing), so restored containers answer their first request warm. Nothing random is made
 * here: profile ids are minted per request, never during init.
 */
final class Priming implements Resource {
    /** Strong references: the CRaC context may hold its resources weakly. */
    private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();

    private final Runnable prime;

    private Priming(Runnable prime) {
        this.prime = prime;
    }

    /** Registers a priming action; it runs only when a snapshot is about to be taken. */
    static void register(Runnable prime) {
        Priming priming = new Priming(prime);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
    }

    /** A request to {@code domain} for a priming run: reads at most, never writes. */
    static APIGatewayProxyRequestEvent event(String domain, String method, String resource, String body) {
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withResource(resource)
                .withPathParameters(Map.of("DomainName", domain)).withBody(body)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("snapstart-priming"));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime.run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // The SDK reconnects by itself; nothing captured at init needs refreshing.
    }
}

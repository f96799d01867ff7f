package org.openprofiles.testing;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import org.openprofiles.api.ProfileLifecycleHandler;
import org.openprofiles.service.ProfileLifecycleService;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.AdminHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.json.Json;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.EventStreamService;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.store.ProfileStore;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One service instance as a Lambda container has it: its own DynamoDB client (recording the calls
 * it makes), its own configuration cache, every handler. Two nodes over one table are two
 * containers that share nothing but the table.
 */
public final class Node {
    public final DynamoDbClient client;
    public final ConfigReads config;
    public final Domains domains;
    public final ProfileStore store;
    public final PutProfileObjectHandler put;
    public final AddProfileKeyHandler addKey;
    public final ReadProfilesHandler read;
    public final AdminHandler admin;
    public final ProfileLifecycleHandler lifecycle;
    /** The DynamoDB operations this node called, in order (e.g. "BatchGetItem"). */
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    public Node(String table) {
        this(table, Clock.systemUTC());
    }

    public Node(String table, Clock clock) {
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                SdkRequest request = context.request();
                calls.add(request.getClass().getSimpleName().replace("Request", ""));
            }
        };
        client = LocalDynamo.client(List.of(recorder));
        config = new ConfigReads(client, table);
        domains = new LiveDomains(config);
        store = new DynamoProfileStore(client, table, clock);
        put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, clock));
        addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        read = new ReadProfilesHandler(new ProfileReadService(domains, store));
        admin = new AdminHandler(new DomainAdminService(config, new ConfigWrites(client, table), clock, ErasureWorker.GRACE),
                new EventStreamService(config, new EventStreamWrites(client, table), TestKinesis.destinations(), clock));
        lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, store));
    }

    /** The DynamoDB calls {@code action} makes on this node. */
    public List<String> callsOf(Runnable action) {
        calls.clear();
        action.run();
        return List.copyOf(calls);
    }

    public APIGatewayProxyResponseEvent admin(String method, String resource, String domain, String objectTypeName, String body) {
        Map<String, String> parameters = new HashMap<>();
        if (domain != null) parameters.put("DomainName", domain);
        if (objectTypeName != null) parameters.put("ObjectTypeName", objectTypeName);
        APIGatewayProxyRequestEvent event = Events.request(method, resource, domain, body).withPathParameters(parameters);
        return admin.handleRequest(event, null);
    }

    public APIGatewayProxyResponseEvent createDomain(String domain) {
        return admin("POST", AdminHandler.DOMAIN, domain, null, "{\"DefaultExpirationDays\":30}");
    }

    public APIGatewayProxyResponseEvent putType(String domain, String type, String definition) {
        return admin("PUT", AdminHandler.OBJECT_TYPE, domain, type, definition);
    }

    public APIGatewayProxyResponseEvent deleteType(String domain, String type) {
        return admin("DELETE", AdminHandler.OBJECT_TYPE, domain, type, null);
    }

    public APIGatewayProxyResponseEvent deleteDomain(String domain) {
        return admin("DELETE", AdminHandler.DOMAIN, domain, null, null);
    }

    public APIGatewayProxyResponseEvent putObject(String domain, String type, Map<String, Object> object) {
        return put.handleRequest(Events.putProfileObject(domain, type, Json.write(object)), null);
    }
}

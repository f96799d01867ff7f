package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.json.Json;
import org.openprofiles.service.ProfileHistoryRequests;
import org.openprofiles.service.ProfileHistoryService;
import org.openprofiles.store.ProfileStore.HistoryPage;
import org.openprofiles.store.ProfileStore.HistoryRecord;

/**
 * The profile history function (read-only): ListProfileHistoryRecords
 * {@code POST /domains/{DomainName}/profiles/history-records} and GetProfileHistoryRecord
 * {@code GET /domains/{DomainName}/profiles/{ProfileId}/history-records/{Id}}.
 */
public final class ProfileHistoryHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    public static final String LIST_RESOURCE = "/domains/{DomainName}/profiles/history-records";
    public static final String GET_RESOURCE = "/domains/{DomainName}/profiles/{ProfileId}/history-records/{Id}";

    private final ProfileHistoryService service;

    /** Used by Lambda: the container's shared client, store and domains. */
    public ProfileHistoryHandler() {
        this(Container.profileHistoryService());
        Priming.register(this::prime);
    }

    public ProfileHistoryHandler(ProfileHistoryService service) {
        this.service = service;
    }

    /** A listing end to end, on a profile that does not exist. */
    void prime() {
        handleRequest(Priming.event(service.domains().first(), "POST", LIST_RESOURCE, "{\"ProfileId\":\"00000000000000000000000000000000\"}"),
                null);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        boolean get = GET_RESOURCE.equals(event.getResource());
        return Api.handle(get ? "GetProfileHistoryRecord" : "ListProfileHistoryRecords", event, context, () -> {
            String domain = Api.pathParameter(event, "DomainName");
            if (get) {
                return shape(service.get(ProfileHistoryRequests.get(domain, Api.pathParameter(event, "ProfileId"),
                        Api.pathParameter(event, "Id")), Api.deadline(context)));
            }
            HistoryPage page = service.list(ProfileHistoryRequests.list(domain, Api.body(event), Api.queryParameter(event, "max-results"),
                    Api.queryParameter(event, "next-token")), Api.deadline(context));
            List<Object> records = new ArrayList<>();
            for (HistoryRecord record : page.records()) records.add(shape(record));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ProfileHistoryRecords", records);
            if (page.nextToken() != null) body.put("NextToken", page.nextToken());
            return body;
        });
    }

    /** A ProfileHistoryRecord (with Content only when it was read: GetProfileHistoryRecord); records are append-only. */
    private static Map<String, Object> shape(HistoryRecord record) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("Id", record.id());
        item.put("ObjectTypeName", record.objectTypeName());
        // Epoch seconds with milliseconds, the restJson1 timestamp format.
        Json.JsonNumber createdAt = new Json.JsonNumber(BigDecimal.valueOf(record.createdAt().toEpochMilli(), 3).toPlainString());
        item.put("CreatedAt", createdAt);
        item.put("LastUpdatedAt", createdAt);
        item.put("ActionType", record.actionType().name());
        if (record.profileObjectUniqueKey() != null) item.put("ProfileObjectUniqueKey", record.profileObjectUniqueKey());
        if (record.performedBy() != null) item.put("PerformedBy", record.performedBy());
        if (record.content() != null) item.put("Content", record.content());
        return item;
    }
}

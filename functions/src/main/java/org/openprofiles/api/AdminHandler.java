package org.openprofiles.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.EventStreamService;

/**
 * The administration function (its own role, IAM-authorised like the rest): domains, object types,
 * event streams, templates and calculated attribute definitions. Each route is one line: path and query parameters and the body go to the service.
 */
public final class AdminHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    public static final String DOMAINS = "/domains";
    public static final String DOMAIN = "/domains/{DomainName}";
    public static final String OBJECT_TYPES = "/domains/{DomainName}/object-types";
    public static final String OBJECT_TYPE = "/domains/{DomainName}/object-types/{ObjectTypeName}";
    public static final String EVENT_STREAMS = "/domains/{DomainName}/event-streams";
    public static final String EVENT_STREAM = "/domains/{DomainName}/event-streams/{EventStreamName}";
    public static final String TEMPLATES = "/templates";
    public static final String TEMPLATE = "/templates/{TemplateId}";
    public static final String CALCULATED_ATTRIBUTES = "/domains/{DomainName}/calculated-attributes";
    public static final String CALCULATED_ATTRIBUTE = "/domains/{DomainName}/calculated-attributes/{CalculatedAttributeName}";

    /** Every route this handler serves: method, resource, operation. */
    public static final List<List<String>> ROUTES = List.of(
            List.of("POST", DOMAIN, "CreateDomain"),
            List.of("GET", DOMAIN, "GetDomain"),
            List.of("PUT", DOMAIN, "UpdateDomain"),
            List.of("DELETE", DOMAIN, "DeleteDomain"),
            List.of("GET", DOMAINS, "ListDomains"),
            List.of("PUT", OBJECT_TYPE, "PutProfileObjectType"),
            List.of("GET", OBJECT_TYPE, "GetProfileObjectType"),
            List.of("DELETE", OBJECT_TYPE, "DeleteProfileObjectType"),
            List.of("GET", OBJECT_TYPES, "ListProfileObjectTypes"),
            List.of("POST", EVENT_STREAM, "CreateEventStream"),
            List.of("GET", EVENT_STREAM, "GetEventStream"),
            List.of("DELETE", EVENT_STREAM, "DeleteEventStream"),
            List.of("GET", EVENT_STREAMS, "ListEventStreams"),
            List.of("GET", TEMPLATES, "ListProfileObjectTypeTemplates"),
            List.of("GET", TEMPLATE, "GetProfileObjectTypeTemplate"),
            List.of("POST", CALCULATED_ATTRIBUTE, "CreateCalculatedAttributeDefinition"),
            List.of("GET", CALCULATED_ATTRIBUTE, "GetCalculatedAttributeDefinition"),
            List.of("PUT", CALCULATED_ATTRIBUTE, "UpdateCalculatedAttributeDefinition"),
            List.of("DELETE", CALCULATED_ATTRIBUTE, "DeleteCalculatedAttributeDefinition"),
            List.of("GET", CALCULATED_ATTRIBUTES, "ListCalculatedAttributeDefinitions"));

    private final DomainAdminService service;
    private final EventStreamService eventStreams;

    /** Used by Lambda: the container's shared clients and store. */
    public AdminHandler() {
        this(Container.domainAdminService(), Container.eventStreamService());
        Priming.register(this::prime);
    }

    public AdminHandler(DomainAdminService service, EventStreamService eventStreams) {
        this.service = service;
        this.eventStreams = eventStreams;
    }

    /** Reads only: the template routes and one domain lookup (a 404 when the domain does not exist). */
    void prime() {
        handleRequest(Priming.event(Container.domains().first(), "GET", DOMAIN, null), null);
        handleRequest(Priming.event(Container.domains().first(), "GET", TEMPLATES, null), null);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        String route = event.getHttpMethod() + " " + event.getResource();
        String operation = ROUTES.stream().filter(r -> (r.get(0) + " " + r.get(1)).equals(route)).map(r -> r.get(2))
                .findFirst().orElse("Unknown");
        return Api.handle(operation, event, context, () -> dispatch(operation, event, Api.deadline(context)));
    }

    private Map<String, Object> dispatch(String operation, APIGatewayProxyRequestEvent event, Deadline deadline) {
        String domain = Api.pathParameter(event, "DomainName");
        String type = Api.pathParameter(event, "ObjectTypeName");
        String eventStream = Api.pathParameter(event, "EventStreamName");
        String calculated = Api.pathParameter(event, "CalculatedAttributeName");
        String maxResults = Api.queryParameter(event, "max-results");
        String nextToken = Api.queryParameter(event, "next-token");
        return switch (operation) {
            case "CreateDomain" -> service.createDomain(domain, Api.body(event), deadline);
            case "GetDomain" -> service.getDomain(domain, deadline);
            case "UpdateDomain" -> service.updateDomain(domain, Api.body(event), deadline);
            case "DeleteDomain" -> service.deleteDomain(domain, deadline);
            case "ListDomains" -> service.listDomains(maxResults, nextToken, deadline);
            case "PutProfileObjectType" -> service.putObjectType(domain, type, Api.body(event), deadline);
            case "GetProfileObjectType" -> service.getObjectType(domain, type, deadline);
            case "DeleteProfileObjectType" -> service.deleteObjectType(domain, type, deadline);
            case "ListProfileObjectTypes" -> service.listObjectTypes(domain, maxResults, nextToken, deadline);
            case "CreateEventStream" -> eventStreams.create(domain, eventStream, Api.body(event), deadline);
            case "GetEventStream" -> eventStreams.get(domain, eventStream, deadline);
            case "DeleteEventStream" -> eventStreams.delete(domain, eventStream, deadline);
            case "ListEventStreams" -> eventStreams.list(domain, maxResults, nextToken, deadline);
            case "ListProfileObjectTypeTemplates" -> service.listTemplates(maxResults, nextToken);
            case "GetProfileObjectTypeTemplate" -> service.getTemplate(Api.pathParameter(event, "TemplateId"));
            case "CreateCalculatedAttributeDefinition" -> service.calculatedAttributes().create(domain, calculated, Api.body(event), deadline);
            case "GetCalculatedAttributeDefinition" -> service.calculatedAttributes().get(domain, calculated, deadline);
            case "UpdateCalculatedAttributeDefinition" -> service.calculatedAttributes().update(domain, calculated, Api.body(event), deadline);
            case "DeleteCalculatedAttributeDefinition" -> service.calculatedAttributes().delete(domain, calculated, deadline);
            case "ListCalculatedAttributeDefinitions" -> service.calculatedAttributes().list(domain, maxResults, nextToken, deadline);
            default -> throw ServiceException.badRequest("Unsupported route " + event.getHttpMethod() + " " + event.getResource());
        };
    }
}

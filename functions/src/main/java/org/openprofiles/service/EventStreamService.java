package org.openprofiles.service;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openprofiles.config.Names;
import org.openprofiles.config.TagRules;
import org.openprofiles.json.Json;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.DomainItem;
import org.openprofiles.store.config.EventStream;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.store.config.Refusal;
import org.openprofiles.store.config.RefusedException;

/**
 * CreateEventStream, GetEventStream, ListEventStreams, DeleteEventStream (shapes from the service model): a
 * domain exports its profile and object changes to at most one Kinesis data stream, which must exist when the event
 * stream is created. The export itself is {@code export.Exporter}, fed by the table's change stream.
 */
public final class EventStreamService {
    /**
     * A Kinesis data stream's ARN (the model only says string1To255): partition, region, account, stream name (1..128
     * of letters, digits, '_', '-', '.', Kinesis's StreamName rule).
     */
    public static final Pattern KINESIS_STREAM_ARN =
            Pattern.compile("^arn:(aws[a-z-]*):kinesis:([a-z]{2}(?:-[a-z]+)+-\\d):(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})$");
    /** The model's string1To255, for Uri. */
    static final int URI_MAX = 255;

    private final ConfigReads reads;
    private final EventStreamWrites writes;
    private final EventDestinations destinations;
    private final Clock clock;

    public EventStreamService(ConfigReads reads, EventStreamWrites writes, EventDestinations destinations, Clock clock) {
        this.reads = reads;
        this.writes = writes;
        this.destinations = destinations;
        this.clock = clock;
    }

    /** The stream name of a Kinesis data stream ARN that {@link #KINESIS_STREAM_ARN} accepted. */
    public static String streamName(String streamArn) {
        return streamArn.substring(streamArn.lastIndexOf('/') + 1);
    }

    public Map<String, Object> create(String domainName, String eventStreamName, String body, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String name = eventStreamName(eventStreamName);
        Map<String, Object> request = RequestFields.parseBody(body);
        String uri = RequestFields.requiredString(request, "Uri");
        RequestFields.checkLength("Uri", uri, 1, URI_MAX);
        if (!KINESIS_STREAM_ARN.matcher(uri).matches()) {
            throw ServiceException.badRequest("Uri must be the ARN of a Kinesis data stream, "
                    + "arn:aws:kinesis:<region>:<account id>:stream/<stream name> (was '" + uri + "')");
        }
        Map<String, String> tags = null;
        Object tagsMember = request.get("Tags");
        if (tagsMember != null && tagsMember != Json.NULL) {
            String problem = TagRules.problem(tagsMember);
            if (problem != null) throw ServiceException.badRequest(problem);
            tags = TagRules.copy(tagsMember);
        }
        DomainItem current = DomainAdminService.liveDomain(domain, reads.domain(domain, deadline));
        if (current.eventStream() != null) throw oneStreamPerDomain(domain, current.eventStream());
        String problem = destinations.problem(uri);
        if (problem != null) throw ServiceException.badRequest("Uri: the Kinesis data stream '" + uri + "' " + problem);
        try {
            writes.create(domain, new EventStream(name, uri, clock.instant().getEpochSecond(), tags == null ? null : Json.write(tags)), deadline);
        } catch (RefusedException e) {
            if (e.refusal() == Refusal.EVENT_STREAM_EXISTS) {
                throw oneStreamPerDomain(domain, reads.domain(domain, deadline).map(DomainItem::eventStream).orElse(null));
            }
            throw domainNotFound(domain);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("EventStreamArn", eventStreamArn(domain, name, uri));
        if (tags != null) response.put("Tags", tags);
        return response;
    }

    public Map<String, Object> get(String domainName, String eventStreamName, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String name = eventStreamName(eventStreamName);
        EventStream stream = named(domain, name, deadline);
        String problem = destinations.problem(stream.uri());
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("Uri", stream.uri());
        destination.put("Status", problem == null ? "HEALTHY" : "UNHEALTHY");
        if (problem != null) destination.put("Message", "The Kinesis data stream " + problem);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("DomainName", domain);
        response.put("EventStreamArn", eventStreamArn(domain, name, stream.uri()));
        response.put("CreatedAt", stream.createdAt());
        response.put("State", "RUNNING");
        response.put("DestinationDetails", destination);
        if (stream.tags() != null) response.put("Tags", Json.parse(stream.tags()));
        return response;
    }

    public Map<String, Object> list(String domainName, String maxResults, String nextToken, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        int max = RequestFields.maxResults(maxResults);
        String token = RequestFields.nextToken(nextToken);
        EventStream stream = DomainAdminService.liveDomain(domain, reads.domain(domain, deadline)).eventStream();
        DomainAdminService.Page page = DomainAdminService.Page.of(stream == null ? List.of() : List.of(stream.name()), max, token);
        List<Object> items = new ArrayList<>();
        if (stream != null && page.names().contains(stream.name())) {
            String problem = destinations.problem(stream.uri());
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("DomainName", domain);
            item.put("EventStreamName", stream.name());
            item.put("EventStreamArn", eventStreamArn(domain, stream.name(), stream.uri()));
            item.put("State", "RUNNING");
            item.put("DestinationSummary", Map.of("Uri", stream.uri(), "Status", problem == null ? "HEALTHY" : "UNHEALTHY"));
            if (stream.tags() != null) item.put("Tags", Json.parse(stream.tags()));
            items.add(item);
        }
        return page.response(items);
    }

    public Map<String, Object> delete(String domainName, String eventStreamName, Deadline deadline) {
        String domain = DomainNames.check(domainName);
        String name = eventStreamName(eventStreamName);
        try {
            writes.delete(domain, name, deadline);
        } catch (RefusedException e) {
            if (e.refusal() == Refusal.EVENT_STREAM_MISSING) throw streamNotFound(domain, name);
            throw domainNotFound(domain);
        }
        return Map.of();
    }

    /** The event stream {@code name} of a live domain, or a 404 naming what is missing. */
    private EventStream named(String domain, String name, Deadline deadline) {
        Optional<DomainItem> read = reads.domain(domain, deadline);
        EventStream stream = DomainAdminService.liveDomain(domain, read).eventStream();
        if (stream == null || !stream.name().equals(name)) throw streamNotFound(domain, name);
        return stream;
    }

    /** Like AWS's: arn:<partition>:profile:<region>:<account>:domains/<domain>/event-streams/<name>, in the stream's region and account. */
    static String eventStreamArn(String domain, String name, String uri) {
        Matcher arn = KINESIS_STREAM_ARN.matcher(uri);
        if (!arn.matches()) throw new IllegalStateException("a stored event stream Uri is not a Kinesis stream ARN");
        return "arn:" + arn.group(1) + ":profile:" + arn.group(2) + ":" + arn.group(3) + ":domains/" + domain + "/event-streams/" + name;
    }

    private static String eventStreamName(String value) {
        String name = RequestFields.requiredUriMember(value, "EventStreamName");
        RequestFields.checkLength("EventStreamName", name, Names.NAME_MIN, Names.NAME_MAX);
        RequestFields.checkPattern("EventStreamName", name, Names.NAME);
        return name;
    }

    private static ServiceException oneStreamPerDomain(String domain, EventStream existing) {
        return ServiceException.badRequest("Domain '" + domain + "' already has an event stream"
                + (existing == null ? "" : " ('" + existing.name() + "')") + "; a domain has at most one: delete it first");
    }

    private static ServiceException streamNotFound(String domain, String name) {
        return ServiceException.notFound("Event stream '" + name + "' does not exist in domain '" + domain + "'");
    }

    private static ServiceException domainNotFound(String domain) {
        return ServiceException.notFound("Domain '" + domain + "' does not exist");
    }
}

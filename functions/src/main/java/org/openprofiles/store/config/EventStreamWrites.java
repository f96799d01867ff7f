package org.openprofiles.store.config;

import static org.openprofiles.store.config.ConfigItems.*;

import java.util.Map;
import java.util.Optional;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.DynamoCalls.ItemWrite;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The administration's writes of a domain's event stream, a map on the domain's item: one conditional UpdateItem
 * through the call layer each, ended by the request's deadline. A refused write reads the domain to say why; after an
 * attempt whose answer was lost, what the call asked for found in place is taken as done, never answered as a refusal.
 */
public final class EventStreamWrites {
    private final DynamoCalls calls;
    private final ConfigReads reads;

    public EventStreamWrites(DynamoDbClient dynamo, String tableName) {
        this.calls = new DynamoCalls(dynamo, tableName);
        this.reads = new ConfigReads(calls);
    }

    /**
     * Gives a live domain its event stream. The domain's version is kept: no container's configuration depends on it
     * (only the exporter reads it, at every batch).
     *
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING, or EVENT_STREAM_EXISTS (a domain has at most one)
     */
    public void create(String domain, EventStream stream, Deadline deadline) {
        ItemWrite write = calls.update(UpdateItemRequest.builder().key(DynamoCalls.itemKey(domainPk(domain)))
                .updateExpression("SET #stream = :stream")
                .conditionExpression("#state = :active AND attribute_not_exists(#stream)")
                .expressionAttributeNames(Map.of("#stream", EVENT_STREAM, "#state", STATE))
                .expressionAttributeValues(Map.of(":stream", eventStream(stream), ":active", s(ACTIVE))), deadline);
        if (write.written()) return;
        Optional<DomainItem> found = reads.domain(domain, deadline);
        // After a lost answer, the very stream this call asked for is its own write.
        boolean ours = write.status() == ItemWrite.Status.UNKNOWN && found.map(DomainItem::eventStream).filter(stream::equals).isPresent();
        if (!ours) throw ConfigWrites.refusal(found, Refusal.EVENT_STREAM_EXISTS);
    }

    /**
     * Removes a live domain's event stream named {@code name}.
     *
     * @throws RefusedException DOMAIN_MISSING, DOMAIN_DELETING, or EVENT_STREAM_MISSING (none, or another name)
     */
    public void delete(String domain, String name, Deadline deadline) {
        ItemWrite write = calls.update(UpdateItemRequest.builder().key(DynamoCalls.itemKey(domainPk(domain)))
                .updateExpression("REMOVE #stream")
                .conditionExpression("#state = :active AND #stream.#name = :name")
                .expressionAttributeNames(Map.of("#stream", EVENT_STREAM, "#state", STATE, "#name", STREAM_NAME))
                .expressionAttributeValues(Map.of(":name", s(name), ":active", s(ACTIVE))), deadline);
        if (write.written()) return;
        Optional<DomainItem> found = reads.domain(domain, deadline);
        // After a lost answer, a live domain without that stream is what this call asked for (most likely its own removal).
        boolean done = write.status() == ItemWrite.Status.UNKNOWN && found.filter(d -> !d.deleting())
                .filter(d -> d.eventStream() == null || !d.eventStream().name().equals(name)).isPresent();
        if (!done) throw ConfigWrites.refusal(found, Refusal.EVENT_STREAM_MISSING);
    }
}

package org.openprofiles.store.config;

import static org.openprofiles.store.config.ConfigItems.*;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.DynamoCalls.ItemWrite;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The administration's writes of calculated attribute definitions: all of a domain's definitions live in a map on its
 * item (at most 50, a few KB), so one conditional UpdateItem on the version read replaces them and gives the domain a
 * new version; every container's cached configuration sees the change on its next request, as for object types. The
 * quota and the name checks are decided on what was read; a concurrent change makes the write decide again.
 */
public final class CalculatedAttributeWrites {
    private final DynamoCalls calls;
    private final ConfigReads reads;

    public CalculatedAttributeWrites(DynamoDbClient dynamo, String tableName) {
        this(new DynamoCalls(dynamo, tableName));
    }

    CalculatedAttributeWrites(DynamoCalls calls) {
        this.calls = calls;
        this.reads = new ConfigReads(calls);
    }

    /**
     * Replaces the domain's definitions and deleted defaults, if its version is still {@code seenVersion}.
     *
     * @throws RefusedException DOMAIN_MISSING or DOMAIN_DELETING
     * @throws org.openprofiles.store.table.DecideAgainException when another change came first
     */
    public void replace(String domain, String seenVersion, Map<String, String> definitions, Set<String> deletedDefaults, Deadline deadline) {
        String version = newVersion();
        Map<String, String> names = new HashMap<>(Map.of("#c", CALCULATED, "#d", DELETED_DEFAULTS, "#version", VERSION, "#state", STATE));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":version", s(version), ":active", s(ACTIVE), ":seen", s(seenVersion)));
        Map<String, AttributeValue> map = new HashMap<>();
        definitions.forEach((name, json) -> map.put(name, s(json)));
        values.put(":c", AttributeValue.fromM(map));
        StringBuilder expression = new StringBuilder("SET #c = :c, #version = :version");
        if (deletedDefaults.isEmpty()) {
            expression.append(" REMOVE #d");
        } else {
            expression.append(", #d = :d");
            values.put(":d", AttributeValue.fromSs(deletedDefaults.stream().toList()));
        }
        ItemWrite write = calls.update(UpdateItemRequest.builder().key(DynamoCalls.itemKey(domainPk(domain)))
                .updateExpression(expression.toString())
                .conditionExpression("#state = :active AND #version = :seen")
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.NONE), deadline);
        if (write.written()) return;
        Optional<DomainItem> found = reads.domain(domain, deadline);
        if (found.isPresent() && found.get().version().equals(version)) return; // an earlier attempt landed
        throw ConfigWrites.refusal(found, null);
    }
}

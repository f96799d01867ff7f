package org.openprofiles.store.config;

import static org.openprofiles.store.config.ConfigItems.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.DynamoCalls.ItemWrite;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The erasure worker's ledger: the pending erasures listed in the registry, each one's progress on its tombstone, and
 * their end. Every call goes through the call layer, ended by the worker's deadline. Workers may overlap: progress is
 * saved only if nobody else moved it, so two workers never both go on with one job.
 */
public final class ErasureLedger {
    private final DynamoCalls calls;
    private final ConfigReads reads;

    public ErasureLedger(DynamoDbClient dynamo, String tableName) {
        this.calls = new DynamoCalls(dynamo, tableName);
        this.reads = new ConfigReads(calls);
    }

    /** The pending erasures, with their tombstones (a job whose tombstone is gone has a null erasure). */
    public List<ErasureJob> jobs(Deadline deadline) {
        Set<String> ids = reads.registry(deadline).erasures();
        Map<String, Map<String, AttributeValue>> tombstones = reads.items(ids, deadline);
        List<ErasureJob> jobs = new ArrayList<>();
        for (String id : ids) jobs.add(erasureJob(id, tombstones.get(id)));
        return jobs;
    }

    /**
     * Records how far an erasure got, if nobody else moved it meanwhile.
     *
     * @return false when the tombstone is gone or its progress moved (another worker), or when the answer was lost:
     *     this run stops the job, and the next one resumes from whatever progress the tombstone holds
     */
    public boolean saveProgress(ErasureJob job, String cursor, long erased, Deadline deadline) {
        Map<String, String> names = new HashMap<>(Map.of("#state", STATE, "#cursor", CURSOR, "#erased", ERASED));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":deleting", s(DELETING), ":cursor", s(cursor), ":erased", n(erased)));
        String condition = "#state = :deleting AND ";
        if (job.erasure().cursor() == null) {
            condition += "attribute_not_exists(#cursor)";
        } else {
            condition += "#cursor = :seen";
            values.put(":seen", s(job.erasure().cursor()));
        }
        ItemWrite write = calls.update(UpdateItemRequest.builder().key(DynamoCalls.itemKey(job.id()))
                .updateExpression("SET #cursor = :cursor, #erased = :erased").conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values), deadline);
        return write.written();
    }

    /** The erasure is complete: the tombstone goes, and with it the job (the name may be used again). */
    public void finish(ErasureJob job, Deadline deadline) {
        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().delete(Delete.builder().tableName(calls.tableName).key(DynamoCalls.itemKey(job.id()))
                        .conditionExpression("#state = :deleting")
                        .expressionAttributeNames(Map.of("#state", STATE))
                        .expressionAttributeValues(Map.of(":deleting", s(DELETING))).build()).build(),
                registryUpdate(calls.tableName, "DELETE #erasures :job", Map.of("#erasures", ERASURES), Map.of(":job", ss(job.id()))));
        // The tombstone is already gone (another worker finished it, or it went with its whole domain): drop the job.
        if (ConfigWrites.transact(calls, actions, deadline) >= 0) forget(job, deadline);
    }

    /** Drops a job whose tombstone is gone (erased with its whole domain, or finished by another worker). */
    public void forget(ErasureJob job, Deadline deadline) {
        calls.update(UpdateItemRequest.builder().key(DynamoCalls.itemKey(REGISTRY_PK))
                .updateExpression("DELETE #erasures :job")
                .expressionAttributeNames(Map.of("#erasures", ERASURES))
                .expressionAttributeValues(Map.of(":job", ss(job.id()))), deadline);
    }
}

package org.openprofiles.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.kinesis.DynamoDbStreamEventSource;
import org.openprofiles.model.Deadline;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.store.config.ConfigItems;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@code POST /_openprofiles/reset}, the local API's own: every item of the table is deleted (profile data, domains,
 * object types, event streams, erasure jobs, dead letters) and the domain files the API applied at start are applied
 * again. The table and its change stream stay, so the exporter keeps reading the same stream.
 *
 * <p>None of the reset's deletions is exported to an event stream. The configuration items go first, in a pass of their
 * own, so a change-stream batch holding deletions of profile data is read after the domains' items (which hold the event
 * streams) are gone, and exports nothing; then, before the domain files are applied again, the exporter's checkpoints
 * are moved to the stream's end ({@link DynamoDbStreamEventSource#skipToEnd}), so an event stream created right after
 * the reset never receives the reset's deletions from a lagging exporter. The caller holds every request, the erasure
 * worker and the contact-record consumer off while this runs, so nothing writes to the table meanwhile.
 *
 * <p>Every call is ended by the reset's own deadline (a paginated Scan and 25-item BatchWriteItems, through
 * {@link DynamoCalls}): a reset that runs out of time fails and may be called again.
 */
final class EmulatorReset {
    /** Items a Scan page reads (keys only). */
    static final int PAGE_SIZE = 500;
    /** Rounds for deletes DynamoDB leaves unprocessed, per 25-item batch. */
    static final int MAX_ROUNDS = 10;

    /**
     * @param deleted items deleted
     * @param domains the seeded domains, applied again
     */
    record Result(int deleted, List<String> domains) {}

    private final DynamoCalls calls;
    private final DomainAdminService admin;
    private final Map<String, String> seedFiles;
    private final DynamoDbStreamEventSource exporter;

    EmulatorReset(DynamoCalls calls, DomainAdminService admin, Map<String, String> seedFiles, DynamoDbStreamEventSource exporter) {
        this.calls = calls;
        this.admin = admin;
        this.seedFiles = Map.copyOf(seedFiles);
        this.exporter = exporter;
    }

    Result run(Deadline deadline) {
        int deleted = deleteAll(ConfigItems.PREFIX, deadline);
        deleted += deleteAll(null, deadline);
        exporter.skipToEnd(deadline.remaining());
        admin.applyFiles(seedFiles, deadline);
        List<String> domains = new ArrayList<>();
        for (Map.Entry<String, String> file : new TreeMap<>(seedFiles).entrySet()) {
            domains.add(DomainLoader.parseFile(file.getKey(), file.getValue()).domain().name());
        }
        return new Result(deleted, domains);
    }

    /**
     * Deletes every item whose key starts with {@code prefix} (null: every item), a Scan page at a time. Ends when the
     * Scan reaches the end of the table, or fails when the deadline comes first (each call is refused with less than
     * {@link DynamoCalls#MIN_CALL_TIME} left).
     */
    private int deleteAll(String prefix, Deadline deadline) {
        int deleted = 0;
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder()
                    .projectionExpression("#pk")
                    .expressionAttributeNames(Map.of("#pk", ProfilesTable.PARTITION_KEY))
                    .limit(PAGE_SIZE)
                    .consistentRead(true)
                    .exclusiveStartKey(start);
            if (prefix != null) {
                request.filterExpression("begins_with(#pk, :prefix)").expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(prefix)));
            }
            ScanResponse page = calls.scan(request, deadline);
            List<WriteRequest> deletes = new ArrayList<>();
            for (Map<String, AttributeValue> item : page.items()) {
                deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                        .key(Map.of(ProfilesTable.PARTITION_KEY, item.get(ProfilesTable.PARTITION_KEY))).build()).build());
            }
            calls.batchWrite(deletes, deadline, MAX_ROUNDS, DynamoCalls.UNPROCESSED_BACKOFF);
            deleted += deletes.size();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return deleted;
    }
}

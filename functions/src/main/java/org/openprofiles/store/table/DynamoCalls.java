package org.openprofiles.store.table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.openprofiles.model.Backoff;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * The table's DynamoDB calls and what their failures mean: the one place where DynamoDB's limits
 * (100 keys per BatchGetItem, 100 actions per TransactWriteItems), its unprocessed keys, its
 * throttling and its transaction cancellations are handled. Every call is bounded by the
 * request's {@link Deadline}.
 */
public final class DynamoCalls {
    /** DynamoDB's own limits. */
    public static final int MAX_BATCH_GET_KEYS = 100;
    public static final int MAX_TRANSACTION_ACTIONS = 100;
    /** Rounds of a BatchGetItem whose keys keep coming back unprocessed (a 200 the SDK does not retry). */
    static final int MAX_UNPROCESSED_ROUNDS = 6;
    public static final Backoff UNPROCESSED_BACKOFF = new Backoff(Duration.ofMillis(20), Duration.ofMillis(400));
    /** Less time than this left: a call is not worth starting. */
    public static final Duration MIN_CALL_TIME = Duration.ofMillis(50);

    public final DynamoDbClient dynamo;
    public final String tableName;

    public DynamoCalls(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    /** The SDK's whole call (all its retries) ends by the deadline, and never later than its configured timeout. */
    public static AwsRequestOverrideConfiguration within(Deadline deadline) {
        Duration left = deadline.remaining();
        if (left.compareTo(MIN_CALL_TIME) < 0) throw outOfTime();
        Duration timeout = left.compareTo(DynamoDbClients.CALL_TIMEOUT) < 0 ? left : DynamoDbClients.CALL_TIMEOUT;
        return AwsRequestOverrideConfiguration.builder().apiCallTimeout(timeout).build();
    }

    /**
     * Strongly consistent reads of any number of items: chunks of 100 keys, unprocessed keys read
     * again with backoff, a bounded number of times.
     */
    public List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys, Deadline deadline) {
        return batchGet(keys, null, null, deadline);
    }

    /** The same, returning only the attributes {@code projection} names ({@code names}: its placeholders). */
    public List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys, String projection, Map<String, String> names,
                                               Deadline deadline) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX_BATCH_GET_KEYS) {
            List<Map<String, AttributeValue>> chunk = keys.subList(from, Math.min(keys.size(), from + MAX_BATCH_GET_KEYS));
            Map<String, KeysAndAttributes> request = Map.of(tableName, KeysAndAttributes.builder().keys(chunk).consistentRead(true)
                    .projectionExpression(projection).expressionAttributeNames(names).build());
            for (int round = 1; ; round++) {
                Map<String, KeysAndAttributes> current = request;
                BatchGetItemResponse response = call(() -> dynamo.batchGetItem(r -> r.requestItems(current)
                        .overrideConfiguration(within(deadline))));
                items.addAll(response.responses().getOrDefault(tableName, List.of()));
                if (!response.hasUnprocessedKeys() || response.unprocessedKeys().isEmpty()) break;
                if (round == MAX_UNPROCESSED_ROUNDS || !UNPROCESSED_BACKOFF.pause(round, deadline, MIN_CALL_TIME)) {
                    throw throttled(null);
                }
                request = response.unprocessedKeys();
            }
        }
        return items;
    }

    static final int MAX_BATCH_WRITE_ITEMS = 25;

    /**
     * Unconditional puts and deletes of any number of items: chunks of 25; items DynamoDB returns
     * unprocessed (throttled, or held by an in-flight transaction) are written again after a pause,
     * at most {@code maxRounds} rounds per chunk and never past the deadline.
     */
    public void batchWrite(List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> writes, Deadline deadline, int maxRounds,
                    Backoff backoff) {
        for (int from = 0; from < writes.size(); from += MAX_BATCH_WRITE_ITEMS) {
            List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> chunk =
                    writes.subList(from, Math.min(writes.size(), from + MAX_BATCH_WRITE_ITEMS));
            Map<String, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest>> request = Map.of(tableName, chunk);
            for (int round = 1; ; round++) {
                var current = request;
                var response = call(() -> dynamo.batchWriteItem(r -> r.requestItems(current).overrideConfiguration(within(deadline))));
                if (!response.hasUnprocessedItems() || response.unprocessedItems().isEmpty()) break;
                if (round == maxRounds || !backoff.pause(round, deadline, MIN_CALL_TIME)) throw throttled(null);
                request = response.unprocessedItems();
            }
        }
    }

    /**
     * Commits actions atomically: one PutItem when there is a single Put (half the cost of a
     * transaction), otherwise one TransactWriteItems.
     *
     * @throws WriteConflictException when a condition failed, another transaction held an item or DynamoDB throttled
     */
    public void commit(List<TransactWriteItem> actions, Deadline deadline) {
        if (actions.size() == 1 && actions.get(0).put() != null) {
            var put = actions.get(0).put();
            PutItemRequest request = PutItemRequest.builder().tableName(put.tableName()).item(put.item())
                    .conditionExpression(put.conditionExpression())
                    .expressionAttributeNames(put.hasExpressionAttributeNames() ? put.expressionAttributeNames() : null)
                    .expressionAttributeValues(put.hasExpressionAttributeValues() ? put.expressionAttributeValues() : null)
                    .overrideConfiguration(within(deadline)).build();
            try {
                call(() -> dynamo.putItem(request));
            } catch (ConditionalCheckFailedException e) {
                throw new WriteConflictException("a concurrent write changed what this request read", false);
            }
            return;
        }
        transact(actions, deadline);
    }

    /** @throws WriteConflictException as {@link #commit}; the caller may inspect nothing else */
    public void transact(List<TransactWriteItem> actions, Deadline deadline) {
        transact(actions, deadline, reasons -> null);
    }

    /**
     * A transaction whose cancellation the caller may interpret first ({@code interpret} returns an
     * exception to throw, or null for the standard translation).
     */
    public void transact(List<TransactWriteItem> actions, Deadline deadline, Function<List<CancellationReason>, RuntimeException> interpret) {
        // Our own token, kept for every send of this one transaction: when the SDK's attempts end in an
        // answer that does not say whether an earlier attempt committed (its response lost, then a
        // throttle, a conflict or "still in progress"), the same transaction is sent again with the same
        // token, and DynamoDB answers success if it had committed (idempotent for 10 minutes).
        if (actions.size() > MAX_TRANSACTION_ACTIONS) {
            // The configuration refuses object types that could need more; reaching this is a bug.
            throw new IllegalStateException("a write of " + actions.size() + " items exceeds DynamoDB's transaction limit");
        }
        String token = UUID.randomUUID().toString();
        for (int resend = 1; ; resend++) {
            try {
                call(() -> dynamo.transactWriteItems(r -> r.transactItems(actions).clientRequestToken(token)
                        .overrideConfiguration(within(deadline))));
                return;
            } catch (TransactionCanceledException e) {
                if (outcomeUnknown(e) && resendable(resend, deadline)) continue;
                RuntimeException specific = interpret.apply(e.cancellationReasons());
                if (specific != null) throw specific;
                throw translate(e);
            } catch (ServiceException | SdkClientException e) {
                // Throttled (TransactionInProgressException included) or no answer, after the SDK's attempts.
                if (outcomeUnknown(e) && resendable(resend, deadline)) continue;
                throw e;
            }
        }
    }

    /** Sends of one transaction with its token, at most (each after a pause, never past the deadline). */
    static final int MAX_SENDS = 4;

    private static boolean resendable(int sends, Deadline deadline) {
        return sends < MAX_SENDS && UNPROCESSED_BACKOFF.pause(sends, deadline, MIN_CALL_TIME);
    }

    /**
     * Whether a failed transaction may nevertheless have committed: the SDK made more than one attempt
     * (an earlier one may have committed and lost its response) and the last answer is not a failed
     * condition (which a resend with the same token would have turned into success).
     */
    static boolean outcomeUnknown(RuntimeException failure) {
        Throwable sdk = failure instanceof ServiceException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(sdk instanceof SdkException e) || e.numAttempts() == null || e.numAttempts() < 2) return false;
        if (e instanceof TransactionCanceledException canceled) {
            for (CancellationReason reason : canceled.cancellationReasons()) {
                if ("ConditionalCheckFailed".equals(reason.code())) return false;
            }
        }
        return true;
    }

    private static RuntimeException translate(TransactionCanceledException e) {
        boolean conflict = false;
        boolean throttled = false;
        for (CancellationReason reason : e.cancellationReasons()) {
            String code = reason.code();
            if ("ThrottlingError".equals(code) || "ProvisionedThroughputExceeded".equals(code)) throttled = true;
            if ("ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code)) conflict = true;
        }
        if (throttled) return new WriteConflictException("DynamoDB throttled the transaction", true);
        return conflict ? new WriteConflictException("a concurrent write changed what this request read", false) : e;
    }

    /** Runs one call: throttling the SDK's retries did not absorb becomes a 429, an item held by a transaction a conflict. */
    public static <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (TransactionCanceledException | ConditionalCheckFailedException e) {
            throw e;
        } catch (TransactionConflictException e) {
            throw new WriteConflictException("another transaction held an item this write touches", false);
        } catch (SdkServiceException e) {
            if (e.isThrottlingException()) throw throttled(e);
            throw e;
        }
    }

    public static ServiceException throttled(Exception cause) {
        return new ServiceException(ServiceException.Type.ThrottlingException,
                "Rate exceeded: the profile store is throttling requests; retry with backoff", cause);
    }

    public static ServiceException outOfTime() {
        return new ServiceException(ServiceException.Type.ThrottlingException,
                "The request ran out of time waiting for concurrent writes to the same profile keys; retry with backoff", null);
    }

    public static AttributeValue s(String value) { return AttributeValue.fromS(value); }

    public static AttributeValue n(long value) { return AttributeValue.fromN(Long.toString(value)); }

    public static Map<String, AttributeValue> key(String pk) { return Map.of(ProfilesTable.PARTITION_KEY, s(pk)); }

    // ---- single-item calls and scans (the configuration, the erasure ledger, the data eraser) ----------------------

    /**
     * What a conditional single-item write did. {@code REFUSED}: its condition failed on the call's only attempt, so
     * nothing was written. {@code UNKNOWN}: the condition failed on a retry of the SDK's, after an attempt whose answer
     * was lost and which may itself have written; the caller reads to find out and never answers it as a refusal.
     *
     * @param attributes what ReturnValues asked for when written (empty otherwise)
     */
    public record ItemWrite(Status status, Map<String, AttributeValue> attributes) {
        public enum Status { WRITTEN, REFUSED, UNKNOWN }

        public boolean written() { return status == Status.WRITTEN; }
    }

    /** One UpdateItem on this table, ended by the deadline; a failed condition is an {@link ItemWrite}, not an exception. */
    public ItemWrite update(software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.Builder request, Deadline deadline) {
        var built = request.tableName(tableName).overrideConfiguration(within(deadline)).build();
        try {
            return new ItemWrite(ItemWrite.Status.WRITTEN, call(() -> dynamo.updateItem(built)).attributes());
        } catch (ConditionalCheckFailedException e) {
            boolean retried = e.numAttempts() != null && e.numAttempts() > 1;
            return new ItemWrite(retried ? ItemWrite.Status.UNKNOWN : ItemWrite.Status.REFUSED, Map.of());
        }
    }

    /** One page of a Scan of this table, ended by the deadline. */
    public software.amazon.awssdk.services.dynamodb.model.ScanResponse scan(
            software.amazon.awssdk.services.dynamodb.model.ScanRequest.Builder request, Deadline deadline) {
        var built = request.tableName(tableName).overrideConfiguration(within(deadline)).build();
        return call(() -> dynamo.scan(built));
    }
}

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
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

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

    private final DynamoDbClient dynamo;
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
            List<Map<String, KeysAndAttributes>> request = new ArrayList<>(List.of(Map.of(tableName, KeysAndAttributes.builder()
                    .keys(chunk).consistentRead(true).projectionExpression(projection).expressionAttributeNames(names).build())));
            Retry.run(UNPROCESSED, deadline, () -> {
                BatchGetItemResponse response = call(() -> dynamo.batchGetItem(r -> r.requestItems(request.get(0))
                        .overrideConfiguration(within(deadline))));
                items.addAll(response.responses().getOrDefault(tableName, List.of()));
                if (response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()) {
                    request.set(0, response.unprocessedKeys());
                    throw new DecideAgainException("DynamoDB left keys unprocessed", true);
                }
            });
        }
        return items;
    }

    static final int MAX_BATCH_WRITE_ITEMS = 25;

    /**
     * Unconditional puts and deletes of any number of items: chunks of 25; items DynamoDB returns
     * unprocessed (throttled, or held by an in-flight transaction) are written again after a pause,
     * at most {@code maxRounds} rounds per chunk and never past the deadline.
     */
    public void batchWrite(List<WriteRequest> writes, Deadline deadline, int maxRounds, Backoff backoff) {
        Retry.Policy policy = new Retry.Policy(maxRounds, backoff, MIN_CALL_TIME);
        for (int from = 0; from < writes.size(); from += MAX_BATCH_WRITE_ITEMS) {
            List<WriteRequest> chunk = writes.subList(from, Math.min(writes.size(), from + MAX_BATCH_WRITE_ITEMS));
            List<Map<String, List<WriteRequest>>> request = new ArrayList<>(List.of(Map.of(tableName, chunk)));
            Retry.run(policy, deadline, () -> {
                var response = call(() -> dynamo.batchWriteItem(r -> r.requestItems(request.get(0)).overrideConfiguration(within(deadline))));
                if (response.hasUnprocessedItems() && !response.unprocessedItems().isEmpty()) {
                    request.set(0, response.unprocessedItems());
                    throw new DecideAgainException("DynamoDB left items unprocessed", true);
                }
            });
        }
    }

    /**
     * Commits actions atomically: one PutItem when there is a single Put (half the cost of a
     * transaction), otherwise one TransactWriteItems.
     *
     * @throws DecideAgainException when a condition failed, another transaction held an item or DynamoDB throttled
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
                // After a retry inside the SDK, the first attempt may have been the one that changed the item.
                throw new DecideAgainException(DecideAgainException.Reason.CONFLICT, "a concurrent write changed what this request read", retried(e));
            } catch (ServiceException | SdkClientException e) {
                if (e instanceof SdkClientException || retried(e)) throw Retry.outcomeUnknown(e);
                throw e;
            }
            return;
        }
        transact(actions, deadline);
    }

    /** @throws DecideAgainException as {@link #commit}; the caller may inspect nothing else */
    public void transact(List<TransactWriteItem> actions, Deadline deadline) {
        transact(actions, deadline, reasons -> null);
    }

    /**
     * A transaction whose cancellation the caller may interpret first ({@code interpret} returns an
     * exception to throw, or null for the standard translation).
     *
     * <p>Our own token is kept for every send of this one transaction. Once an attempt may have committed with its answer
     * lost (the SDK attempted more than once, or got no answer), the outcome is unknown: a throttle or "still in progress"
     * is sent again with the same token (DynamoDB answers success if it had committed, for 10 minutes), and a cancellation
     * is not taken as proof that nothing was written (the first attempt may be what failed the condition): it becomes a
     * {@link DecideAgainException} that may have landed, whatever {@code interpret} would say, and the request decides
     * again without answering 4xx or 429 ({@link Retry}). No answer at all in the end is a 500.
     */
    public void transact(List<TransactWriteItem> actions, Deadline deadline, Function<List<CancellationReason>, RuntimeException> interpret) {
        if (actions.size() > MAX_TRANSACTION_ACTIONS) {
            // The configuration refuses object types that could need more; reaching this is a bug.
            throw new IllegalStateException("a write of " + actions.size() + " items exceeds DynamoDB's transaction limit");
        }
        String token = UUID.randomUUID().toString();
        boolean mayHaveLanded = false;
        for (int send = 1; ; send++) {
            try {
                call(() -> dynamo.transactWriteItems(r -> r.transactItems(actions).clientRequestToken(token)
                        .overrideConfiguration(within(deadline))));
                return;
            } catch (TransactionCanceledException e) {
                mayHaveLanded |= retried(e);
                if (mayHaveLanded && !conditionFailed(e) && resendable(send, deadline)) continue;
                if (mayHaveLanded) throw new DecideAgainException(throttledCancellation(e) ? DecideAgainException.Reason.THROTTLED
                        : DecideAgainException.Reason.CONFLICT, "the transaction was cancelled after an attempt whose answer was lost", true);
                RuntimeException specific = interpret.apply(e.cancellationReasons());
                if (specific != null) throw specific;
                throw translate(e);
            } catch (ServiceException | SdkClientException e) {
                // Throttled (TransactionInProgressException included) or no answer, after the SDK's attempts.
                mayHaveLanded |= e instanceof SdkClientException || retried(e);
                if (mayHaveLanded && resendable(send, deadline)) continue;
                if (mayHaveLanded) throw Retry.outcomeUnknown(e);
                throw e;
            }
        }
    }

    /** Sends of one transaction with its token, at most (each after a pause, never past the deadline). */
    static final int MAX_SENDS = 4;
    private static final Retry.Policy UNPROCESSED = new Retry.Policy(MAX_UNPROCESSED_ROUNDS, UNPROCESSED_BACKOFF, MIN_CALL_TIME);

    private static boolean resendable(int sends, Deadline deadline) {
        return sends < MAX_SENDS && UNPROCESSED_BACKOFF.pause(sends, deadline, MIN_CALL_TIME);
    }

    /** Whether the SDK made more than one attempt of the call that failed: an earlier one may have committed. */
    static boolean retried(RuntimeException failure) {
        Throwable sdk = failure instanceof ServiceException && failure.getCause() != null ? failure.getCause() : failure;
        return sdk instanceof SdkException e && e.numAttempts() != null && e.numAttempts() >= 2;
    }

    private static boolean conditionFailed(TransactionCanceledException e) {
        for (CancellationReason reason : e.cancellationReasons()) if ("ConditionalCheckFailed".equals(reason.code())) return true;
        return false;
    }

    private static boolean throttledCancellation(TransactionCanceledException e) {
        for (CancellationReason reason : e.cancellationReasons()) {
            if ("ThrottlingError".equals(reason.code()) || "ProvisionedThroughputExceeded".equals(reason.code())) return true;
        }
        return false;
    }

    private static RuntimeException translate(TransactionCanceledException e) {
        boolean conflict = false;
        for (CancellationReason reason : e.cancellationReasons()) {
            String code = reason.code();
            if ("ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code)) conflict = true;
        }
        if (throttledCancellation(e)) return new DecideAgainException("DynamoDB throttled the transaction", true);
        return conflict ? new DecideAgainException("a concurrent write changed what this request read", false) : e;
    }

    /** Whether the action at {@code index} of a cancelled transaction failed its condition. */
    public static boolean conditionFailed(List<CancellationReason> reasons, int index) {
        return index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /** Runs one call: throttling the SDK's retries did not absorb becomes a 429, an item held by a transaction a conflict. */
    public static <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (TransactionCanceledException | ConditionalCheckFailedException e) {
            throw e;
        } catch (TransactionConflictException e) {
            throw new DecideAgainException("another transaction held an item this write touches", false);
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

    public static Map<String, AttributeValue> itemKey(String pk) { return Map.of(ProfilesTable.PARTITION_KEY, s(pk)); }

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

    /** One page of a Query of this table or its index, ended by the deadline. */
    public software.amazon.awssdk.services.dynamodb.model.QueryResponse query(
            software.amazon.awssdk.services.dynamodb.model.QueryRequest.Builder request, Deadline deadline) {
        var built = request.tableName(tableName).overrideConfiguration(within(deadline)).build();
        return call(() -> dynamo.query(built));
    }

    /** Deletes one item, unconditionally (idempotent: deleting it again changes nothing), ended by the deadline. */
    public void delete(String pk, Deadline deadline) {
        call(() -> dynamo.deleteItem(r -> r.tableName(tableName).key(itemKey(pk)).overrideConfiguration(within(deadline))));
    }

    /** One page of a Scan of this table, ended by the deadline. */
    public software.amazon.awssdk.services.dynamodb.model.ScanResponse scan(
            software.amazon.awssdk.services.dynamodb.model.ScanRequest.Builder request, Deadline deadline) {
        var built = request.tableName(tableName).overrideConfiguration(within(deadline)).build();
        return call(() -> dynamo.scan(built));
    }
}

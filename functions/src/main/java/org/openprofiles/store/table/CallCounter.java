package org.openprofiles.store.table;

import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Counts, per thread, what a request cost in DynamoDB: calls, the SDK's retries, transactions
 * cancelled by a conflict, calls that ended throttled. A request runs on one thread (the SDK client
 * is synchronous), so the request's counts are its thread's since {@link #reset}; the request log
 * reports them as metrics (no call of its own).
 */
public final class CallCounter implements ExecutionInterceptor {
    public static final CallCounter INSTANCE = new CallCounter();

    /** One request's DynamoDB costs. */
    public record Counts(int calls, int retries, int conflicts, int throttled) {}

    private static final int CALLS = 0;
    private static final int ATTEMPTS = 1;
    private static final int CONFLICTS = 2;
    private static final int THROTTLED = 3;
    private static final ThreadLocal<int[]> COUNTS = ThreadLocal.withInitial(() -> new int[4]);

    private CallCounter() {}

    /** Starts counting a new request on this thread. */
    public static void reset() {
        java.util.Arrays.fill(COUNTS.get(), 0);
    }

    public static Counts counts() {
        int[] c = COUNTS.get();
        return new Counts(c[CALLS], Math.max(0, c[ATTEMPTS] - c[CALLS]), c[CONFLICTS], c[THROTTLED]);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        COUNTS.get()[CALLS]++;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        COUNTS.get()[ATTEMPTS]++;
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        if (failure instanceof TransactionConflictException) {
            COUNTS.get()[CONFLICTS]++;
        } else if (failure instanceof TransactionCanceledException canceled && canceled.hasCancellationReasons()) {
            for (CancellationReason reason : canceled.cancellationReasons()) {
                if ("TransactionConflict".equals(reason.code())) {
                    COUNTS.get()[CONFLICTS]++;
                    break;
                }
            }
        }
        if (failure instanceof SdkServiceException e && e.isThrottlingException()) COUNTS.get()[THROTTLED]++;
    }
}

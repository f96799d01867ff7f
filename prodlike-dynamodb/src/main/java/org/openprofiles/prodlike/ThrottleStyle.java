package org.openprofiles.prodlike;

/** How a throttled call is answered. */
public enum ThrottleStyle {
    /** As DynamoDB does for a table: ProvisionedThroughputExceededException; transactions: TransactionCanceledException with ThrottlingError reasons. */
    NATIVE,
    /** 400 ThrottlingException ("Rate of requests exceeds the allowed throughput.") for every operation. */
    THROTTLING_EXCEPTION
}


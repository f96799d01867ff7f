package org.openprofiles.store;

import java.util.function.Supplier;
import org.openprofiles.model.ServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * DynamoDB throttling (after the SDK's own bounded retries) becomes a 429 the SDKs retry with
 * backoff, for the configuration store and the erasure worker. (ProfileStore words the same rule
 * for the data plane; once its refactoring lands it can call this.)
 */
final class Throttling {
    private Throttling() {}

    static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (TransactionCanceledException e) {
            throw e;
        } catch (SdkServiceException e) {
            if (e.isThrottlingException()) throw throttled(e);
            throw e;
        }
    }

    static ServiceException throttled(Exception cause) {
        return new ServiceException(ServiceException.Type.ThrottlingException,
                "Rate exceeded: the profile store is throttling requests; retry with backoff", cause);
    }
}

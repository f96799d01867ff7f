package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/** DynamoDB failures become the API's modelled errors, and leave nothing half written. */
class StoreFaultsTest {
    static final String CTR = "{\"contactId\":\"fault-1\",\"customerEndpoint\":{\"address\":\"+1 206 555 0999\"}}";

    /** Throttles every transaction, as DynamoDB does once the SDK's own retries are spent. */
    static final class ThrottleTransactions implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof TransactWriteItemsRequest) {
                throw ProvisionedThroughputExceededException.builder()
                        .statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                                .errorMessage("The level of configured provisioned throughput for the table was exceeded").build())
                        .build();
            }
        }
    }

    @Test
    void throttlingIsA429AndWritesNothing() {
        String table = LocalDynamo.newTable();
        ProfileStore throttled = new ProfileStore(LocalDynamo.client(List.of(new ThrottleTransactions())), table, Clock.systemUTC());
        PutProfileObjectHandler handler = new PutProfileObjectHandler(
                new PutProfileObjectService(TestDomains.all(), throttled, Clock.systemUTC()));

        APIGatewayProxyResponseEvent response = handler.handleRequest(
                Events.putProfileObject("ExampleDomainName", "CTR", CTR), null);

        assertEquals(429, response.getStatusCode(), response.getBody());
        assertEquals("ThrottlingException", response.getHeaders().get("x-amzn-ErrorType"));
        assertEquals("ThrottlingException", Events.body(response).get("__type"));
        StoredData clean = new StoredData(LocalDynamo.client(), table);
        assertTrue(clean.profilesWithKey("ExampleDomainName", new KeyValue("_phone", "+12065550999")).isEmpty());
        assertTrue(clean.profilesWithKey("ExampleDomainName", new KeyValue("_ctrContactId", "fault-1")).isEmpty());
    }

    @Test
    void aMissingTableIsA500WithoutInternals() {
        ProfileStore missing = new ProfileStore(LocalDynamo.client(), "no-such-table", Clock.systemUTC());
        PutProfileObjectHandler handler = new PutProfileObjectHandler(
                new PutProfileObjectService(TestDomains.all(), missing, Clock.systemUTC()));

        APIGatewayProxyResponseEvent response = handler.handleRequest(
                Events.putProfileObject("ExampleDomainName", "CTR", CTR), null);

        assertEquals(500, response.getStatusCode());
        assertEquals("InternalServerException", response.getHeaders().get("x-amzn-ErrorType"));
        Map<String, Object> body = Events.body(response);
        String message = (String) body.get("Message");
        assertTrue(message.contains("test-request"), "the message carries the request id: " + message);
        assertFalse(message.contains("no-such-table") || message.contains("Exception") || message.contains("at org."),
                "no internals leak: " + message);
    }
}

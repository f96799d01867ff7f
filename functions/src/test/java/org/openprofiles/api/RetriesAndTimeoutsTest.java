package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.DynamoDbClients;
import org.openprofiles.store.ProfileStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Lost races are retried a bounded number of times; a dead table ends well inside the function's timeout. */
class RetriesAndTimeoutsTest {
    static final String CTR = "{\"contactId\":\"retry-1\",\"customerEndpoint\":{\"address\":\"+1 206 555 0123\"}}";

    /** Every transaction loses a race, as under extreme contention on the same key values. */
    static final class AlwaysConflict implements ExecutionInterceptor {
        final AtomicInteger transactions = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof TransactWriteItemsRequest request) {
                transactions.incrementAndGet();
                List<CancellationReason> reasons = new ArrayList<>();
                for (int i = 0; i < request.transactItems().size(); i++) {
                    reasons.add(CancellationReason.builder().code(i == 0 ? "TransactionConflict" : "None").build());
                }
                throw TransactionCanceledException.builder().message("Transaction cancelled").cancellationReasons(reasons).build();
            }
        }
    }

    @Test
    void aRequestThatKeepsLosingRacesGetsA429AfterBoundedRetriesAndWritesNothing() {
        String table = LocalDynamo.newTable();
        AlwaysConflict conflicts = new AlwaysConflict();
        ProfileStore store = new ProfileStore(LocalDynamo.client(List.of(conflicts)), table, Clock.systemUTC());
        PutProfileObjectHandler handler = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));

        APIGatewayProxyResponseEvent response = handler.handleRequest(Events.putProfileObject("ExampleDomainName", "CTR", CTR), null);

        assertEquals(429, response.getStatusCode(), response.getBody());
        assertEquals("ThrottlingException", response.getHeaders().get("x-amzn-ErrorType"));
        assertEquals(10, conflicts.transactions.get(), "ten attempts, then give up");
        assertEquals(new TableContents(0, 0, 0), TableContents.checked(LocalDynamo.client(), table));
    }

    @Test
    void aTableThatNeverAnswersIsA500WellInsideTheFunctionTimeout() throws Exception {
        // Accepts connections and never answers: a hung or unreachable DynamoDB.
        try (ServerSocket blackHole = new ServerSocket(0)) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) held.add(blackHole.accept());
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            DynamoDbClient client = DynamoDbClients.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + blackHole.getLocalPort()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build();
            ProfileStore store = new ProfileStore(client, "openprofiles", Clock.systemUTC());
            PutProfileObjectHandler handler = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));

            long started = System.nanoTime();
            APIGatewayProxyResponseEvent response = handler.handleRequest(Events.putProfileObject("ExampleDomainName", "CTR", CTR), null);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertEquals(500, response.getStatusCode(), response.getBody());
            assertEquals("InternalServerException", response.getHeaders().get("x-amzn-ErrorType"));
            assertTrue(took.compareTo(DynamoDbClients.CALL_TIMEOUT.plusSeconds(1)) < 0, "took " + took);
            assertTrue(DynamoDbClients.CALL_TIMEOUT.compareTo(DynamoDbClients.FUNCTION_TIMEOUT.dividedBy(2)) < 0,
                    "the SDK gives up well before Lambda would time the function out");
        }
    }
}

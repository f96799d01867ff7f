package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestDomains;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** SnapStart priming runs each handler's path and calls DynamoDB, never failing and never writing. */
class PrimingTest {
    @Test
    void primingReachesDynamoDbAndWritesNothing() {
        AtomicInteger calls = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.incrementAndGet();
            }
        };
        String table = LocalDynamo.newTable();
        ProfileStore store = new DynamoProfileStore(LocalDynamo.client(List.of(counter)), table, Clock.systemUTC());
        Domains domains = TestDomains.all();

        PrintStream original = System.out;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC())).prime();
            assertEquals(1, calls.getAndSet(0), "PutProfileObject priming: one read");
            new AddProfileKeyHandler(new AddProfileKeyService(domains, store)).prime();
            assertEquals(1, calls.getAndSet(0), "AddProfileKey priming: one transaction, cancelled by its profile check");
            new ReadProfilesHandler(new ProfileReadService(domains, store)).prime();
            assertEquals(2, calls.getAndSet(0), "read priming: one search, one listing");
        } finally {
            System.setOut(original);
        }
        String lines = log.toString(StandardCharsets.UTF_8);
        assertFalse(lines.contains("\"status\":500"), lines);
        assertTrue(lines.contains("snapstart-priming"), lines);
        assertEquals(new TableContents(0, 0, 0), TableContents.checked(LocalDynamo.client(), table));
    }
}

package org.openprofiles.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.StoredData;
import org.openprofiles.testing.TableContents;
import org.openprofiles.testing.TestDomains;

/** Real threads against one DynamoDB Local: races on a new key value never duplicate a profile. */
class ConcurrentPutsTest {
    static final String DOMAIN = "ExampleDomainName";
    static String table;
    static ProfileStore store;
    static StoredData stored;
    static PutProfileObjectHandler handler;
    static AddProfileKeyHandler addKey;
    static ExecutorService threads;

    @BeforeAll
    static void setUp() {
        table = LocalDynamo.newTable();
        store = new ProfileStore(LocalDynamo.client(), table, Clock.systemUTC());
        stored = new StoredData(LocalDynamo.client(), table);
        handler = new PutProfileObjectHandler(new PutProfileObjectService(TestDomains.all(), store, Clock.systemUTC()));
        addKey = new AddProfileKeyHandler(new AddProfileKeyService(TestDomains.all(), store));
        threads = Executors.newFixedThreadPool(32);
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
    }

    /** Runs the calls at once (released together) and returns each response. */
    static List<APIGatewayProxyResponseEvent> race(List<Callable<APIGatewayProxyResponseEvent>> calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<APIGatewayProxyResponseEvent>> futures = new ArrayList<>();
        for (Callable<APIGatewayProxyResponseEvent> call : calls) {
            futures.add(threads.submit(() -> {
                start.await();
                return call.call();
            }));
        }
        start.countDown();
        List<APIGatewayProxyResponseEvent> responses = new ArrayList<>();
        for (Future<APIGatewayProxyResponseEvent> f : futures) responses.add(f.get());
        return responses;
    }

    static String ctr(String contactId, String phone) {
        return "{\"contactId\":\"" + contactId + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
    }

    @Test
    void thirtyTwoRecordsWithOneNewPhoneMakeExactlyOneProfile() throws Exception {
        List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String object = ctr("race-" + i, i % 2 == 0 ? "+1 (303) 555-0177" : "303-555-0177");
            calls.add(() -> handler.handleRequest(Events.putProfileObject(DOMAIN, "CTR", object), null));
        }
        Set<String> keys = new HashSet<>();
        for (APIGatewayProxyResponseEvent response : race(calls)) {
            assertEquals(200, response.getStatusCode(), response.getBody());
            keys.add((String) Events.body(response).get("ProfileObjectUniqueKey"));
        }
        assertEquals(32, keys.size());

        Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+13035550177"));
        assertEquals(1, holders.size(), "exactly one inferred profile: " + holders);
        String profileId = holders.iterator().next();
        for (int i = 0; i < 32; i++) {
            assertEquals(Set.of(profileId), stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "race-" + i)));
        }
        for (String key : keys) assertEquals(profileId, stored.object(DOMAIN, "CTR", key).orElseThrow().profileId());
        TableContents.checked(LocalDynamo.client(), table);
    }

    @Test
    void addProfileKeyRacingPutProfileObjectNeverOrphansAKeyOrDuplicatesAProfile() throws Exception {
        for (int round = 0; round < 12; round++) {
            String existingPhone = String.format("+1 (415) 555-%04d", round);
            String newPhone = String.format("+1 (628) 555-%04d", round);
            handler.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("owner-" + round, existingPhone)), null);
            String owner = stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "owner-" + round)).iterator().next();
            String contact = "raced-" + round;

            List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
            calls.add(() -> addKey.handleRequest(Events.addProfileKey(DOMAIN, owner, "_ctrContactId", contact), null));
            calls.add(() -> handler.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr(contact, newPhone)), null));
            calls.add(() -> handler.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr(contact, newPhone)), null));
            for (APIGatewayProxyResponseEvent response : race(calls)) assertEquals(200, response.getStatusCode(), response.getBody());

            Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", contact));
            assertTrue(holders.contains(owner), "the added key is on its profile");
            assertTrue(holders.size() <= 2, "at most one inferred profile besides the owner: " + holders);
            Set<String> phoneHolders = stored.profilesWithKey(DOMAIN, new KeyValue("_phone", Normaliser.normalise(ContentType.PHONE_NUMBER, newPhone)));
            assertEquals(1, phoneHolders.size(), "the record's phone is on exactly one profile: " + phoneHolders);
            assertTrue(holders.containsAll(phoneHolders), "the record went to a profile holding its contact id");
        }
        TableContents.checked(LocalDynamo.client(), table);
    }

    @Test
    void sixteenPutsOfOneContactMakeOneObjectOnOneProfile() throws Exception {
        List<Callable<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(() -> handler.handleRequest(Events.putProfileObject(DOMAIN, "CTR", ctr("same-contact", "+1 720 555 0188")), null));
        }
        Set<String> keys = new HashSet<>();
        for (APIGatewayProxyResponseEvent response : race(calls)) {
            assertEquals(200, response.getStatusCode(), response.getBody());
            keys.add((String) Events.body(response).get("ProfileObjectUniqueKey"));
        }
        assertEquals(1, keys.size());
        Set<String> holders = stored.profilesWithKey(DOMAIN, new KeyValue("_ctrContactId", "same-contact"));
        assertEquals(1, holders.size());
        assertEquals(holders, stored.profilesWithKey(DOMAIN, new KeyValue("_phone", "+17205550188")));
    }
}

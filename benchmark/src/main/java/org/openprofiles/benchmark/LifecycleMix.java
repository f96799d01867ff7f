package org.openprofiles.benchmark;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.ProfileLifecycleHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.resolution.ProfileObjectUniqueKeys;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Availability under lifecycle contention (issue 15): 12 clients run a seeded random mix of every
 * profile operation on 8 customers, over the production-like DynamoDB with its conflict rule (25 ms),
 * each call repeated as the SDKs' standard retry mode repeats it (3 attempts on 429 and 5xx, jittered
 * backoff from 100 ms). Target: no call of any operation ends in 429 or 5xx; a 404 for a profile or
 * object another call removed is a correct answer.
 */
final class LifecycleMix {
    static final int CLIENTS = 12;
    static final int CUSTOMERS = 8;
    static final int CALLS_PER_CLIENT = 60;
    static final long SEED = 15;

    private LifecycleMix() {}

    /** Per operation: calls, and final statuses. */
    static final class Tally {
        final Map<String, Map<Integer, AtomicLong>> byOperation = new ConcurrentHashMap<>();

        void add(String operation, int status) {
            byOperation.computeIfAbsent(operation, o -> new ConcurrentHashMap<>()).computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        }
    }

    static boolean run(URI dynamoLocal, String table) throws Exception {
        ProductionLikeDynamo proxy = ProductionLikeDynamo.start(dynamoLocal, 0, Rules.defaults().conflictWindowMs(25));
        DynamoDbClient viaProxy = Harness.client(proxy.endpoint(), null);
        DynamoDbClient bare = Harness.client(dynamoLocal, null);
        ProfileStore store = new DynamoProfileStore(viaProxy, table, Clock.systemUTC());
        Domains domains = new LiveDomains(new ConfigReads(viaProxy, table));
        PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
        AddProfileKeyHandler addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        ProfileLifecycleHandler lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, store));
        Tally tally = new Tally();
        PrintStream console = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // the request log
        long started = System.nanoTime();
        try {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    Random random = new Random(SEED * 1000 + client);
                    List<String[]> mine = new ArrayList<>(); // contact id, phone
                    for (int i = 0; i < CALLS_PER_CLIENT; i++) {
                        String phone = String.format("+1 707 555 %04d", random.nextInt(CUSTOMERS));
                        int pick = random.nextInt(100);
                        if (pick < 45 || mine.isEmpty()) {
                            String contact = "mix-" + client + "-" + i;
                            tally.add("PutProfileObject", call(() -> put.handleRequest(Harness.putCtr(contact, phone), null)));
                            mine.add(new String[] {contact, phone});
                            continue;
                        }
                        String[] one = mine.get(random.nextInt(mine.size()));
                        String profileId = profileOf(bare, table, one[0]);
                        if (profileId == null) {
                            mine.remove(one);
                            continue;
                        }
                        if (pick < 55) {
                            tally.add("AddProfileKey", call(() -> addKey.handleRequest(Harness.request("POST",
                                    "/domains/{DomainName}/profiles/keys", "{\"ProfileId\":\"" + profileId
                                            + "\",\"KeyName\":\"_email\",\"Values\":[\"c" + client + "@mix.example\"]}"), null)));
                        } else if (pick < 65) {
                            tally.add("UpdateProfile (name)", call(() -> lifecycle.handleRequest(Harness.request("PUT",
                                    ProfileLifecycleHandler.PROFILES_RESOURCE, "{\"ProfileId\":\"" + profileId + "\",\"FirstName\":\"N"
                                            + client + "\"}"), null)));
                        } else if (pick < 75) {
                            String newPhone = random.nextBoolean() ? "" : String.format("+1 707 555 %04d", random.nextInt(CUSTOMERS));
                            tally.add("UpdateProfile (phone)", call(() -> lifecycle.handleRequest(Harness.request("PUT",
                                    ProfileLifecycleHandler.PROFILES_RESOURCE, "{\"ProfileId\":\"" + profileId + "\",\"PhoneNumber\":\""
                                            + newPhone + "\"}"), null)));
                        } else if (pick < 87) {
                            tally.add("DeleteProfileObject", call(() -> lifecycle.handleRequest(Harness.request("POST",
                                    ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE, "{\"ProfileId\":\"" + profileId
                                            + "\",\"ObjectTypeName\":\"CTR\",\"ProfileObjectUniqueKey\":\""
                                            + ProfileObjectUniqueKeys.of("CTR", one[0]) + "\"}"), null)));
                            mine.remove(one);
                        } else if (pick < 96) {
                            String[] other = mine.get(random.nextInt(mine.size()));
                            String otherId = profileOf(bare, table, other[0]);
                            if (otherId == null || otherId.equals(profileId)) continue;
                            tally.add("MergeProfiles", call(() -> lifecycle.handleRequest(Harness.request("POST",
                                    ProfileLifecycleHandler.MERGE_RESOURCE, "{\"MainProfileId\":\"" + profileId
                                            + "\",\"ProfileIdsToBeMerged\":[\"" + otherId + "\"]}"), null)));
                        } else {
                            tally.add("DeleteProfile", call(() -> lifecycle.handleRequest(Harness.request("POST",
                                    ProfileLifecycleHandler.DELETE_RESOURCE, "{\"ProfileId\":\"" + profileId + "\"}"), null)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) f.get();
            pool.shutdown();
        } finally {
            System.setOut(console);
            proxy.close();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        var stats = proxy.stats();
        System.out.println();
        System.out.printf("== Lifecycle mix: %d clients, %d customers, %d calls each (seed %d), production-like DynamoDB (25 ms window), "
                + "SDK-standard retries (3 attempts) ==%n", CLIENTS, CUSTOMERS, CALLS_PER_CLIENT, SEED);
        System.out.printf("%-24s %7s %7s %7s %7s %7s%n", "operation", "calls", "200", "404", "429", "5xx");
        boolean pass = true;
        for (Map.Entry<String, Map<Integer, AtomicLong>> op : new TreeMap<>(tally.byOperation).entrySet()) {
            long total = 0;
            long server = 0;
            for (Map.Entry<Integer, AtomicLong> status : op.getValue().entrySet()) {
                total += status.getValue().get();
                if (status.getKey() >= 500) server += status.getValue().get();
            }
            long throttled = count(op.getValue(), 429);
            System.out.printf("%-24s %7d %7d %7d %7d %7d%n", op.getKey(), total, count(op.getValue(), 200), count(op.getValue(), 404),
                    throttled, server);
            long failed = throttled + server;
            pass &= Harness.check("no 429 or 5xx for " + op.getKey() + " in the lifecycle mix", failed == 0, failed + " failed");
        }
        System.out.printf("%.1f s; transaction conflicts at the wire: %d%n", seconds, stats.transactionConflicts() + stats.singleItemConflicts());
        return pass;
    }

    private static long count(Map<Integer, AtomicLong> statuses, int status) {
        AtomicLong n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    /** A call repeated as the SDKs' standard retry mode repeats it: 3 attempts on 429 and 5xx, jittered backoff. */
    static int call(Supplier<APIGatewayProxyResponseEvent> request) {
        int status = 0;
        for (int attempt = 1; attempt <= 3; attempt++) {
            status = request.get().getStatusCode();
            if (status != 429 && status < 500) return status;
            try {
                Thread.sleep((long) (Math.random() * 100 * (1L << (attempt - 1))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status;
            }
        }
        return status;
    }

    /** The profile a client's contact record is on, read bare (not part of the mix); null when it is gone. */
    static String profileOf(DynamoDbClient bare, String table, String contactId) {
        Map<String, AttributeValue> item = bare.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(ProfilesTable.PARTITION_KEY,
                AttributeValue.fromS(StoreKeys.object(Harness.DOMAIN, "CTR", ProfileObjectUniqueKeys.of("CTR", contactId)))))).item();
        AttributeValue profileId = item == null ? null : item.get("profileId");
        return profileId == null ? null : profileId.s();
    }
}

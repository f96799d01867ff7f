package org.openprofiles.benchmark;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.openprofiles.api.AddProfileKeyHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.api.ReadProfilesHandler;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.json.Json;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Growth at full size, with the shipped spill threshold: N profiles (default 50,000) named
 * "John Doe" (their {@code _fullName} value is shared through puts) and each given one switchboard
 * {@code _phone} through AddProfileKey. Then a record from the switchboard must create a new
 * profile (the value is ambiguous), and SearchProfiles must page through every holder of both.
 * Exits non-zero when any of that fails. Run:
 * {@code mvn -B -q -DskipTests -pl benchmark -am package exec:java -Dexec.mainClass=org.openprofiles.benchmark.SharedKeyRun -Dexec.args=50000}
 */
public final class SharedKeyRun {
    static final String DOMAIN = "ExampleDomainName";
    static final String SWITCHBOARD = "+1 800 555 0100";

    public static void main(String[] args) throws Exception {
        int holders = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        DynamoDbClient dynamo = DynamoDBEmbedded.create(true).dynamoDbClient();
        String table = ProfilesTable.DEFAULT_TABLE_NAME;
        dynamo.createTable(ProfilesTable.createTableRequest(table));
        Domains domains = Domains.fixed(DomainLoader.loadFromClasspath());
        ProfileStore store = new DynamoProfileStore(dynamo, table, Clock.systemUTC());
        PutProfileObjectHandler put = new PutProfileObjectHandler(new PutProfileObjectService(domains, store, Clock.systemUTC()));
        AddProfileKeyHandler addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains, store));
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(domains, store));
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())); // the request log

        long t0 = System.nanoTime();
        List<String> ids = new ArrayList<>(run(holders, i -> {
            String object = Json.write(Map.of("firstName", "John", "lastName", "Doe",
                    "phoneNumbers", List.of(Map.of("number", String.format("+1 206 %03d %04d", 200 + i / 10_000, i % 10_000)))));
            return Json.write(Map.of("ObjectTypeName", "MyCustomObjectName", "Object", object));
        }, put, "PUT", "/domains/{DomainName}/profiles/objects"));
        long t1 = System.nanoTime();
        List<String> profileIds = new ArrayList<>();
        for (String phone : ids) profileIds.add(holderOf(dynamo, table, new KeyValue("_phone", phone)));
        run(holders, i -> Json.write(Map.of("ProfileId", profileIds.get(i), "KeyName", "_phone", "Values", List.of(SWITCHBOARD))),
                addKey, "POST", "/domains/{DomainName}/profiles/keys");
        long t2 = System.nanoTime();

        String ctr = Json.write(Map.of("ObjectTypeName", "CTR", "Object", Json.write(Map.of("contactId", "switchboard-call",
                "customerEndpoint", Map.of("address", SWITCHBOARD)))));
        APIGatewayProxyResponseEvent response = put.handleRequest(event("PUT", "/domains/{DomainName}/profiles/objects", ctr, null), null);
        boolean ok = response.getStatusCode() == 200;
        String caller = holderOf(dynamo, table, new KeyValue("_ctrContactId", "switchboard-call"));
        ok &= !profileIds.contains(caller);

        long t3 = System.nanoTime();
        int[] byName = searchAll(read, "_fullName", "John Doe");
        long t4 = System.nanoTime();
        int[] bySwitchboard = searchAll(read, "_phone", SWITCHBOARD);
        long t5 = System.nanoTime();
        System.setOut(console);

        long keyItemBytes = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(ProfilesTable.PARTITION_KEY,
                AttributeValue.fromS(StoreKeys.keyValue(DOMAIN, new KeyValue("_phone", "+18005550100")))))).item().toString().length();
        System.out.printf("%d profiles put (sharing _fullName \"john doe\") in %.1f s; %d AddProfileKey of the switchboard _phone in %.1f s%n",
                holders, (t1 - t0) / 1e9, holders, (t2 - t1) / 1e9);
        System.out.printf("switchboard key item: ~%d bytes (holders spilled into holder items)%n", keyItemBytes);
        System.out.printf("a record from the switchboard: %d, %s%n", response.getStatusCode(),
                profileIds.contains(caller) ? "ATTACHED TO A HOLDER (wrong)" : "new profile (the value is ambiguous)");
        System.out.printf("SearchProfiles _fullName: %d profiles in %d pages of 100, %.1f s (%.1f ms per page)%n",
                byName[0], byName[1], (t4 - t3) / 1e9, (t4 - t3) / 1e6 / byName[1]);
        System.out.printf("SearchProfiles _phone switchboard: %d profiles in %d pages of 100, %.1f s (%.1f ms per page)%n",
                bySwitchboard[0], bySwitchboard[1], (t5 - t4) / 1e9, (t5 - t4) / 1e6 / bySwitchboard[1]);
        ok &= byName[0] == holders && bySwitchboard[0] == holders + 1;
        System.out.println(ok ? "SHARED KEY VALUES HOLD" : "SHARED KEY VALUES FAILED");
        System.exit(ok ? 0 : 1);
    }

    /** Runs n requests on 4 threads; returns the normalised phone of each put (index order), or nothing. */
    static List<String> run(int n, IntFunction<String> body, com.amazonaws.services.lambda.runtime.RequestHandler<APIGatewayProxyRequestEvent,
            APIGatewayProxyResponseEvent> handler, String method, String resource) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String b = body.apply(i);
            futures.add(threads.submit(() -> {
                APIGatewayProxyResponseEvent r = handler.handleRequest(event(method, resource, b, null), null);
                if (r.getStatusCode() != 200) throw new IllegalStateException(r.getBody());
                return null;
            }));
        }
        for (Future<?> f : futures) f.get();
        threads.shutdown();
        List<String> phones = new ArrayList<>();
        if (method.equals("PUT")) for (int i = 0; i < n; i++) phones.add(String.format("+1206%03d%04d", 200 + i / 10_000, i % 10_000));
        return phones;
    }

    static String holderOf(DynamoDbClient dynamo, String table, KeyValue key) {
        return dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(ProfilesTable.PARTITION_KEY,
                AttributeValue.fromS(StoreKeys.keyValue(DOMAIN, key))))).item().get("profileIds").ss().get(0);
    }

    /** Pages through a search; returns {profiles, pages}; throws on a repeated profile. */
    static int[] searchAll(ReadProfilesHandler read, String keyName, String value) {
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            Map<String, String> query = token == null ? Map.of("max-results", "100") : Map.of("max-results", "100", "next-token", token);
            APIGatewayProxyResponseEvent r = read.handleRequest(event("POST", ReadProfilesHandler.SEARCH_RESOURCE,
                    Json.write(Map.of("KeyName", keyName, "Values", List.of(value))), query), null);
            if (r.getStatusCode() != 200) throw new IllegalStateException(r.getBody());
            Map<?, ?> page = (Map<?, ?>) Json.parse(r.getBody());
            for (Object item : (List<?>) page.get("Items")) {
                if (!seen.add((String) ((Map<?, ?>) item).get("ProfileId"))) throw new IllegalStateException("repeated profile");
            }
            token = (String) page.get("NextToken");
            pages++;
        } while (token != null);
        return new int[] {seen.size(), pages};
    }

    static APIGatewayProxyRequestEvent event(String method, String resource, String body, Map<String, String> query) {
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withResource(resource)
                .withPathParameters(Map.of("DomainName", DOMAIN)).withQueryStringParameters(query).withBody(body);
    }
}

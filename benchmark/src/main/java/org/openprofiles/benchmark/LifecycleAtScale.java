package org.openprofiles.benchmark;

import static org.openprofiles.benchmark.Harness.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openprofiles.api.ProfileLifecycleHandler;
import org.openprofiles.api.PutProfileObjectHandler;
import org.openprofiles.store.table.DynamoDbClients;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import org.openprofiles.model.KeyValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DeleteProfile and MergeProfiles by profile size. */
final class LifecycleAtScale {
    private LifecycleAtScale() {}

    /** Objects per profile in the DeleteProfile and MergeProfiles table; 1000 is AWS's per-profile quota. */
    static final int[] PROFILE_SIZES = {10, 100, 1000};

    /**
     * DeleteProfile and MergeProfiles (one profile of N contact records merged into a profile of one)
     * on profiles of 10, 100 and 1000 objects: DynamoDB calls and time, one call each; the target is
     * that 1000 objects complete in one call within the function timeout. A call that runs out of
     * time answers 429 and is repeated (it resumes), and the table says so.
     */
    static boolean lifecycleAtScale(PutProfileObjectHandler barePut, ProfileLifecycleHandler lifecycle, Recorder recorder,
                                    DynamoDbClient bare, String table, java.io.PrintStream console, java.io.PrintStream quiet) {
        List<String> rows = new ArrayList<>();
        boolean pass = true;
        for (int n : PROFILE_SIZES) {
            for (boolean merge : new boolean[] {false, true}) {
                System.setOut(quiet);
                // +1 404 555 nnnn: the profile's records (n, n+1 for a merge), its main profile's one record (n+2).
                String phone = String.format("+1404555%04d", n + (merge ? 1 : 0));
                for (int k = 0; k < n; k++) barePut.handleRequest(putCtr((merge ? "m" : "d") + n + "-" + k, phone), null);
                String profileId = holderOf(bare, table, phone);
                String body;
                if (merge) {
                    String mainPhone = String.format("+1404555%04d", n + 2);
                    barePut.handleRequest(putCtr("main" + n, mainPhone), null);
                    body = "{\"MainProfileId\":\"" + holderOf(bare, table, mainPhone) + "\",\"ProfileIdsToBeMerged\":[\""
                            + profileId + "\"]}";
                } else {
                    body = "{\"ProfileId\":\"" + profileId + "\"}";
                }
                String resource = merge ? ProfileLifecycleHandler.MERGE_RESOURCE : ProfileLifecycleHandler.DELETE_RESOURCE;
                List<Integer> statuses = new ArrayList<>();
                int calls = 0;
                long started = System.nanoTime();
                double firstMillis = 0;
                for (int attempt = 0; attempt < 10; attempt++) {
                    recorder.requests.clear();
                    long t0 = System.nanoTime();
                    APIGatewayProxyResponseEvent response = lifecycle.handleRequest(request("POST", resource, body), null);
                    if (attempt == 0) firstMillis = (System.nanoTime() - t0) / 1e6;
                    calls += recorder.requests.size();
                    statuses.add(response.getStatusCode());
                    if (response.getStatusCode() != 429 && response.getStatusCode() != 500) break; // both are repeated by the SDKs
                }
                double totalMillis = (System.nanoTime() - started) / 1e6;
                System.setOut(console);
                String operation = merge ? "MergeProfiles" : "DeleteProfile";
                rows.add(String.format("%-14s %6d %8d %12.0f ms %12.0f ms   %s", operation, n, calls, firstMillis, totalMillis, statuses));
                boolean done = statuses.get(statuses.size() - 1) == 200;
                pass &= check(operation + " of " + n + " objects completes", done, "statuses " + statuses);
                if (n == 1000) {
                    pass &= check(operation + " of 1000 objects in one call within the function timeout",
                            statuses.equals(List.of(200)) && firstMillis <= DynamoDbClients.FUNCTION_TIMEOUT.toMillis(),
                            String.format("%s in %.0f ms, timeout %d ms", statuses, firstMillis, DynamoDbClients.FUNCTION_TIMEOUT.toMillis()));
                }
            }
        }
        System.out.println();
        System.out.println("== DeleteProfile and MergeProfiles (one profile of N contact records), one call each ==");
        System.out.printf("%-14s %6s %8s %15s %15s   %s%n", "operation", "objects", "calls", "first call", "until 200", "statuses");
        rows.forEach(System.out::println);
        return pass;
    }

    /** The one profile holding a phone value, read bare. */
    static String holderOf(DynamoDbClient bare, String table, String phone) {
        return bare.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(ProfilesTable.PARTITION_KEY,
                        AttributeValue.fromS(StoreKeys.keyValue(DOMAIN, new KeyValue("_phone", phone))))))
                .item().get("profileIds").ss().get(0);
    }
}

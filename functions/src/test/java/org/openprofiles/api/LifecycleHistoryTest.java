package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openprofiles.json.Json;
import org.openprofiles.mapping.Normaliser;
import org.openprofiles.model.ContentType;
import org.openprofiles.prodlike.ProductionLikeDynamo;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.prodlike.Stats;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.LiveDomains;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.TableItems;
import org.openprofiles.testing.TableScan;
import org.openprofiles.testing.TestContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Seeded random histories, Jepsen style: 8 threads ({@code history.threads}) each make 14 random calls
 * ({@code history.ops}) through the handlers on {@value #CUSTOMERS} customers (so calls collide): PutProfileObject
 * of a contact record (then SearchProfiles by its contact id, to learn where it landed; one record in eight is sent twice
 * at once, as a stream's duplicate or a resend racing the first, so two puts start the same object),
 * AddProfileKey, DeleteProfileKey (of a value the thread added, on the profile holding it or now and then on another),
 * UpdateProfile (name, phone changed or emptied), DeleteProfileObject, MergeProfiles,
 * DeleteProfile, CreateProfile, SearchProfiles by phone, ListProfileObjects, and the administration's PutProfileObjectType
 * (a side type of the domain, whose configuration lives in the table: every call's cached configuration goes stale under it). Each call is retried on 429/5xx as the
 * SDK's standard mode does (3 attempts) and recorded: thread, start/end, arguments, every status. Around each
 * DeleteProfileObject, DeleteProfileKey, DeleteProfile and MergeProfiles the thread peeks at the table (strongly
 * consistent, straight from DynamoDB Local, {@link TableItems}) right before and right after the call: the profile
 * the object is on, the profiles the value names, which of the named profiles exist.
 * Afterwards the history is checked against the table (a strongly consistent scan of DynamoDB Local,
 * read by the item formats of docs/data-model.md) and through the read API:
 * <ol>
 *   <li>nothing acknowledged is lost: a record whose put answered 200 exists, on an existing profile
 *     that a merge could have taken it to, found by its contact id and listed on its profile, unless
 *     a DeleteProfileObject of it that may have acted, or a DeleteProfile of a profile it may have
 *     been on that ended after the put began, explains its absence; an acknowledged AddProfileKey
 *     stays on its profile while the profile exists; every object's key values name its profile;
 *     no profile vanishes without a call that may have removed it;</li>
 *   <li>erased means erased: after DeleteProfile or MergeProfiles answered 200, no item but a bare
 *     shard marker (id, operation, expiry, mergedInto) holds the removed id, and no search, list or batch-get shows it;
 *     no key value, holder, object or shard names a missing profile; a record's contact
 *     id names no profile once the record is gone;</li>
 *   <li>all or nothing: a call that answered only 4xx/429 changed nothing, whatever its operation. A put,
 *     AddProfileKey, CreateProfile or UpdateProfile left no trace of its (unique) values; a DeleteProfileObject
 *     deleted nothing; a DeleteProfileKey removed no value from a profile; a DeleteProfile or MergeProfiles removed
 *     no profile, moved no record and closed no shard. Each is checked twice: on the peeks (what was there right
 *     before the call and gone right after it, when no other call that may have acted overlapped that window, a
 *     DeleteProfile or MergeProfiles that did not answer 200 at last counting as overlapping every later window:
 *     anyone may finish it), and at the end (a record, key value or profile is gone, or a record or value is on a
 *     profile no merge could take it to, and only such a call explains it). A shard names a main profile only after
 *     a merge into it that may have acted; an existing profile has no closed shard (one with {@code closedBy})
 *     unless a removal of it answered 5xx (else every write to it answers 404 while reads show it); no profile
 *     is removed by two calls that both answered 200, one of them a merge;</li>
 *   <li>one inferred profile per new key value: a phone that no CreateProfile or UpdateProfile named
 *     is held by at most one profile;</li>
 *   <li>calculated attributes are the profile's objects: a COUNT attribute of the contact records, read through the API at
 *     the end, equals the number of records on each existing (settled) profile; a removed profile's answers 404.</li>
 *   <li>profile history: a put leaves at most one INGESTED record per attempt that may have written (a request sent
 *     again by the store after a lost answer still leaves one), an object on a settled profile has an INGESTED record
 *     listed under that profile (merges re-point them), a call that answered only 4xx/429 left no record holding its
 *     value, and no record is listed under a profile that does not exist (checked with 2); an object on a settled profile
 *     names its EXPIRED record there, dated at its expiry, and no EXPIRED record waits for an object that is not there.</li>
 * </ol>
 * DeleteProfile and MergeProfiles that answered 5xx may have done part of their work (README: the
 * caller continues by calling again): they count as having acted, and the profiles they name are
 * "unsettled", exempt from the checks of keys against objects (1, 4) but not from 2. One that answered
 * only 4xx/429 did nothing (README: a call that answers 4xx or 429 changed nothing). Any call that
 * answered 404 did nothing, even after a lost response (its retry must not turn its own write into a
 * 404). {@code history.threads=1} runs a sequential history: a violation there is no race.
 *
 * <p>Every history prints its seed (to target/surefire-reports/...LifecycleHistoryTest-output.txt,
 * and in the failure message). A failure names the seed, the invariant, the items and the calls that
 * touched them by start time. Threads interleave differently on each run; the seed fixes the workload.
 * <pre>
 * one history:  mvn -B -pl functions -am verify -Dtest=LifecycleHistoryTest -Dsurefire.failIfNoSpecifiedTests=false \
 *                   -Dhistory.seed=SEED -Dhistory.count=1 -Dhistory.faults=CONFLICTS
 * soak:         mvn -B -pl functions -am verify -Dtest=LifecycleHistoryTest -Dsurefire.failIfNoSpecifiedTests=false \
 *                   -Dhistory.count=200   (optionally -Dhistory.faults=NONE,ALL)
 * </pre>
 * History i of a run uses seed {@code history.seed + i}. {@code -Dhistory.misreport=DeleteProfileObject} (or DeleteProfileKey,
 * DeleteProfile, MergeProfiles, comma-separated) records that operation's 200 answers as 404: its histories must then
 * break invariant 3 (the checks can fail).
 */
class LifecycleHistoryTest {
    static final String DOMAIN = "ExampleDomainName";
    static final int THREADS = Integer.getInteger("history.threads", 8);
    static final int OPS = Integer.getInteger("history.ops", 14);
    /** One record in this many is sent twice at once (Worker.putRecord). */
    static final int TWIN_EVERY = Integer.getInteger("history.twinEvery", 8);
    static final int CUSTOMERS = 7;
    /** A COUNT calculated attribute of the contact records (invariant 5). */
    static final String RECORD_COUNT = "recordCount";
    static final int COUNT = Integer.getInteger("history.count", 1);
    static final long SEED = Long.getLong("history.seed", System.currentTimeMillis());
    /**
     * Operations whose 200 answers are recorded as 404 ({@code history.misreport=DeleteProfileObject,...}): a stand-in for
     * a call that acted and answered a refusal, to see the checks of invariant 3 fail. Empty by default.
     */
    static final Set<String> MISREPORT = Set.of(System.getProperty("history.misreport", "").split(","));
    static final Set<String> LIFECYCLE = Set.of("DeleteProfile", "MergeProfiles", "DeleteProfileObject", "UpdateProfile", "AddProfileKey",
            "DeleteProfileKey");

    /** The proxy's rules of each case; every case but NONE has DynamoDB's conflict rule (25 ms window). */
    enum Faults {
        NONE(false, Rules::none),
        CONFLICTS(true, () -> Rules.defaults().conflictWindowMs(25)),
        THROTTLING(false, () -> throttling(Rules.defaults().conflictWindowMs(25))),
        LOST_RESPONSES(false, () -> lostResponses(Rules.defaults().conflictWindowMs(25))),
        INDEX_LAG(false, () -> Rules.defaults().conflictWindowMs(25).indexLagMs(500)),
        STALE_AND_TORN_READS(false, () -> Rules.defaults().conflictWindowMs(25).staleReadMs(300).tornReads(true)),
        ALL(false, () -> lostResponses(throttling(Rules.defaults().conflictWindowMs(25))).indexLagMs(500).staleReadMs(300).tornReads(true));

        /** Every history meets transaction conflicts (asserted only where they are the point: other faults change the timing). */
        final boolean conflicts;
        final Supplier<Rules> rules;

        Faults(boolean conflicts, Supplier<Rules> rules) {
            this.conflicts = conflicts;
            this.rules = rules;
        }

        static Rules throttling(Rules rules) {
            for (String op : List.of("TransactWriteItems", "BatchGetItem", "UpdateItem", "BatchWriteItem")) rules.throttleEvery(op, 7);
            return rules.unprocessItemsEvery(5).unprocessKeysEvery(11); // partial BatchWriteItem and BatchGetItem too
        }

        static Rules lostResponses(Rules rules) {
            for (String op : List.of("TransactWriteItems", "UpdateItem", "BatchWriteItem", "DeleteItem")) rules.loseResponseEvery(op, 9);
            return rules.inProgressAfterLossMs(50); // a retry meets the transaction still completing
        }
    }

    @ParameterizedTest
    @EnumSource(Faults.class)
    void randomHistoriesKeepTheLifecycleInvariants(Faults faults) throws Exception {
        String only = System.getProperty("history.faults", "");
        Assumptions.assumeTrue(only.isBlank() || Set.of(only.split(",")).contains(faults.name()), "history.faults=" + only);
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> failedHistoriesByInvariant = new TreeMap<>();
        int failedHistories = 0;
        long overlapped = 0;
        long twinsOverlapped = 0;
        long conflicts = 0;
        long faultsInjected = 0;
        Map<String, Long> denied = new TreeMap<>();
        for (int i = 0; i < COUNT; i++) {
            long seed = SEED + i;
            ProductionLikeDynamo proxy = ProductionLike.proxy(faults.rules.get());
            History history = new History(seed, faults);
            long started = System.nanoTime();
            history.run();
            Stats stats = proxy.stats();
            stats.denied().forEach((access, times) -> denied.merge(access, times, Long::sum));
            proxy.rules(Rules.none()); // the check reads without faults: no rule hides or ages index items any more
            Checker checker = new Checker(history);
            List<Violation> violations = checker.check();
            long overlaps = history.overlappingLifecycleCalls();
            overlapped += overlaps;
            long twins = history.overlappingTwinPuts();
            twinsOverlapped += twins;
            conflicts += stats.transactionConflicts() + stats.singleItemConflicts() + stats.batchItemsDeferred();
            faultsInjected += stats.throttles() + stats.responsesDropped();
            String summary = String.format("HISTORY faults=%s seed=%d %d ms calls=%d overlapping-lifecycle-calls=%d overlapping-twin-puts=%d conflicts=%d/%d/%d "
                            + "throttled=%d dropped=%d index-hidden=%d refused-writes=%s violations=%d", faults, seed,
                    (System.nanoTime() - started) / 1_000_000, history.calls.size(), overlaps, twins,
                    stats.transactionConflicts(), stats.singleItemConflicts(), stats.batchItemsDeferred(), stats.throttles(),
                    stats.responsesDropped(), stats.indexItemsHidden(), history.refusedWrites(), violations.size());
            System.out.println(summary);
            if (!violations.isEmpty()) {
                failedHistories++;
                violations.stream().map(Violation::invariant).distinct().forEach(inv -> failedHistoriesByInvariant.merge(inv, 1, Integer::sum));
                System.out.println(checker.report(violations, violations.size()));
                if (failures.size() < 2) failures.add(checker.report(violations, 3));
            }
            LocalDynamo.client().deleteTable(r -> r.tableName(history.table));
        }
        List<String> problems = new ArrayList<>();
        if (failedHistories > 0) {
            problems.add(failedHistories + " of " + COUNT + " histories broke invariants (histories per invariant: "
                    + failedHistoriesByInvariant + "), base seed " + SEED + "\n" + String.join("\n", failures));
        }
        if (!denied.isEmpty()) problems.add("calls beyond their function's IAM rights (FunctionRights): " + denied);
        if (twinsOverlapped == 0) problems.add("no record's two puts overlapped in time: no two puts raced to start one object");
        if (overlapped < 3L * COUNT) problems.add("lifecycle calls overlapped others on the same profile only " + overlapped + " times");
        if (faults.conflicts && conflicts == 0) problems.add("no transaction conflict in any history: the calls did not race");
        if (Set.of(Faults.THROTTLING, Faults.LOST_RESPONSES, Faults.ALL).contains(faults) && faultsInjected == 0) problems.add("no fault was injected");
        if (!problems.isEmpty()) fail(String.join("\n", problems));
    }

    // ------------------------------------------------------------------ the history and its workload

    /** One call as the client saw it. */
    static final class Call {
        final int id;
        final int thread;
        final String op;
        final String args;
        final long start = System.nanoTime();
        long end;
        final List<Integer> statuses = new ArrayList<>();
        String result = "";
        /** Profile ids named in the arguments or returned. */
        final Set<String> profiles = new LinkedHashSet<>();
        /** The unique value this call writes (contact id, key value, name), or null. */
        String token;
        String phone;
        String target;
        List<String> merged = List.of();
        String uniqueKey;
        String keyName;
        Call locate;
        List<String> found = List.of();
        /**
         * Peeked at right before the call began and right after it ended (null: not peeked): for a
         * DeleteProfileObject the profile its object is on, a DeleteProfileKey the profiles its value
         * names, a DeleteProfile or MergeProfiles those of its profiles that exist ({@link TableItems}).
         */
        Set<String> before;
        Set<String> after;
        long beforeAt;
        long afterAt;

        Call(int id, int thread, String op, String args) {
            this.id = id;
            this.thread = thread;
            this.op = op;
            this.args = args;
        }

        int status() {
            return statuses.isEmpty() ? -1 : statuses.get(statuses.size() - 1);
        }

        boolean acked() {
            return status() == 200;
        }

        /** Some attempt answered 200 or failed without telling (5xx, exception). */
        boolean mayHaveActed() {
            return statuses.stream().anyMatch(s -> s == 200 || s >= 500 || s < 0);
        }

        /** Every attempt answered 4xx or 429: by contract nothing was written. */
        boolean refused() {
            return !statuses.isEmpty() && statuses.stream().allMatch(s -> s >= 400 && s < 500);
        }

        /** A DeleteProfile or MergeProfiles that may have removed (part of) its profiles: not only 4xx/429. */
        boolean mayRemove() {
            return !refused();
        }

        boolean overlaps(Call other) {
            return start < other.end && other.start < end;
        }
    }

    record Violation(int invariant, String what, Set<String> profiles, Set<String> tokens) {}

    static final class History {
        final long seed;
        final Faults faults;
        final String table = LocalDynamo.newTable();
        final PutProfileObjectHandler put;
        final AddProfileKeyHandler addKey;
        final ProfileLifecycleHandler lifecycle;
        final ReadProfilesHandler read;
        final AdminHandler admin;
        final TableItems items;
        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger ids = new AtomicInteger();
        final List<String> customers = new ArrayList<>();
        final long began = System.nanoTime();
        /** Sends a record's twin put alongside its first (see Worker.putRecord). */
        ExecutorService twins;

        History(long seed, Faults faults) {
            this.seed = seed;
            this.faults = faults;
            // The configuration lives in the table, as deployed: administration races the profile calls too.
            DomainAdminService setUp = new DomainAdminService(new ConfigReads(LocalDynamo.client(), table),
                    new ConfigWrites(LocalDynamo.client(), table), Clock.systemUTC(), ErasureWorker.GRACE);
            setUp.applyFiles(DomainLoader.classpathFiles(), org.openprofiles.model.Deadline.in(java.time.Duration.ofSeconds(30)));
            // Invariant 5's attribute: how many contact records the profile holds, computed when read.
            setUp.calculatedAttributes().create(DOMAIN, RECORD_COUNT, "{\"Statistic\":\"COUNT\",\"UseHistoricalData\":true,"
                    + "\"AttributeDetails\":{\"Attributes\":[{\"Name\":\"contactId\"}],\"Expression\":\"{CTR.contactId}\"}}",
                    org.openprofiles.model.Deadline.in(java.time.Duration.ofSeconds(30)));
            // Each function as deployed: its own container (store, configuration cache) and its own IAM role's rights.
            DynamoDbClient administration = ProductionLike.clientAs(FunctionRoles.ADMINISTRATION);
            ConfigReads config = new ConfigReads(administration, table);
            admin = new AdminHandler(new DomainAdminService(config, new ConfigWrites(administration, table), Clock.systemUTC(), ErasureWorker.GRACE),
                    new org.openprofiles.service.EventStreamService(config, new EventStreamWrites(administration, table),
                            org.openprofiles.testing.TestKinesis.destinations(), Clock.systemUTC()));
            put = new PutProfileObjectHandler(new PutProfileObjectService(domains(FunctionRoles.PUT_PROFILE_OBJECT),
                    store(FunctionRoles.PUT_PROFILE_OBJECT), Clock.systemUTC()));
            addKey = new AddProfileKeyHandler(new AddProfileKeyService(domains(FunctionRoles.ADD_PROFILE_KEY), store(FunctionRoles.ADD_PROFILE_KEY)));
            lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains(FunctionRoles.PROFILE_LIFECYCLE),
                    store(FunctionRoles.PROFILE_LIFECYCLE)));
            read = new ReadProfilesHandler(new ProfileReadService(domains(FunctionRoles.READ_PROFILES), store(FunctionRoles.READ_PROFILES)));
            items = new TableItems(LocalDynamo.client(), table, DOMAIN);
            for (int i = 0; i < CUSTOMERS; i++) customers.add(String.format("+1 206 555 %04d", 100 + i));
        }

        ProfileStore store(String role) {
            return new DynamoProfileStore(ProductionLike.clientAs(role), table, Clock.systemUTC());
        }

        Domains domains(String role) {
            return new LiveDomains(new ConfigReads(ProductionLike.clientAs(role), table));
        }

        void run() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            twins = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Worker worker = new Worker(t, new Random(seed * 1_000_003L + t));
                    threads.add(pool.submit(() -> {
                        for (int k = 0; k < OPS; k++) worker.step();
                        return null;
                    }));
                }
                for (Future<?> thread : threads) thread.get(10, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
                twins.shutdownNow();
            }
        }

        Call call(int thread, String op, String args, Function<Context, APIGatewayProxyResponseEvent> request) {
            return call(thread, op, args, null, request);
        }

        /** The same, peeking at the table with {@code peek} right before and right after the call ({@link Call#before}). */
        Call call(int thread, String op, String args, Supplier<Set<String>> peek, Function<Context, APIGatewayProxyResponseEvent> request) {
            long beforeAt = System.nanoTime();
            Set<String> before = peek == null ? null : peek.get();
            Call call = new Call(ids.incrementAndGet(), thread, op, args);
            for (int attempt = 1; attempt <= 3; attempt++) {
                if (attempt > 1) pause(ThreadLocalRandom.current().nextInt(50 << attempt)); // full jitter, as the SDK's standard mode
                try {
                    APIGatewayProxyResponseEvent response = request.apply(TestContext.remaining(15_000));
                    call.statuses.add(response.getStatusCode() == 200 && MISREPORT.contains(op) ? 404 : response.getStatusCode());
                    call.result = response.getBody() == null ? "" : response.getBody();
                } catch (RuntimeException e) {
                    call.statuses.add(-1);
                    call.result = e.toString();
                }
                if (call.status() >= 0 && call.status() < 500 && call.status() != 429) break;
            }
            call.end = System.nanoTime();
            if (peek != null) {
                call.before = before;
                call.beforeAt = beforeAt;
                call.after = peek.get();
                call.afterAt = System.nanoTime();
            }
            calls.add(call);
            return call;
        }

        APIGatewayProxyResponseEvent lifecycle(String method, String resource, Map<String, Object> body, Context context) {
            return lifecycle.handleRequest(Events.request(method, resource, DOMAIN, Json.write(body)), context);
        }

        /** One thread of the workload: knows the profile ids it has seen and the records it put. */
        final class Worker {
            final int thread;
            final Random random;
            final List<String> seen = new ArrayList<>();
            final List<Call> myPuts = new ArrayList<>();
            /** Its AddProfileKey calls that answered 200 and whose value no DeleteProfileKey of it removed (200) yet. */
            final List<Call> myKeys = new ArrayList<>();
            int tokens;

            Worker(int thread, Random random) {
                this.thread = thread;
                this.random = random;
            }

            void step() {
                int roll = random.nextInt(100);
                if (seen.isEmpty() || roll < 36) putRecord();
                else if (roll < 41) search("_phone", customer());
                else if (roll < 44) listObjects();
                else if (roll < 53) {
                    if (roll >= 48 && !myKeys.isEmpty()) deleteKey();
                    else addKey();
                }
                else if (roll < 63) update();
                else if (roll < 71 && !myPuts.isEmpty()) deleteObject();
                else if (roll < 81) merge();
                else if (roll < 90) deleteProfile();
                else if (roll < 93) putObjectType();
                else create();
            }

            String customer() {
                return customers.get(random.nextInt(customers.size()));
            }

            /** A recently seen profile id. */
            String someProfile() {
                return seen.get(seen.size() - 1 - random.nextInt(Math.min(seen.size(), 6)));
            }

            void saw(Call call, List<String> ids) {
                for (String id : ids) {
                    seen.remove(id);
                    seen.add(id);
                }
                call.profiles.addAll(ids);
            }

            /** A value unique in the history, that no other token contains. */
            String token() {
                return "zq" + thread + "x" + (tokens++) + "q";
            }

            @SuppressWarnings("unchecked")
            Call search(String keyName, String value) {
                Call call = History.this.call(thread, "SearchProfiles", keyName + "=" + value,
                        context -> read.handleRequest(Events.searchProfiles(DOMAIN, keyName, value), context));
                if (call.acked()) {
                    List<Map<String, Object>> items = (List<Map<String, Object>>) body(call).get("Items");
                    call.found = items.stream().map(p -> (String) p.get("ProfileId")).toList();
                    saw(call, call.found);
                    call.result = "found " + shortIds(call.found);
                }
                return call;
            }

            /** ListProfileObjects: reads the index, which may lag; recorded, not checked. */
            /** PutProfileObjectType of a side type of the domain: every container's configuration changes under the others' calls. */
            void putObjectType() {
                String type = "Side" + random.nextInt(3);
                String body = "{\"Description\":\"" + token() + "\",\"TemplateId\":\"CTR\"}";
                History.this.call(thread, "PutProfileObjectType", type, context -> admin.handleRequest(
                        new APIGatewayProxyRequestEvent().withHttpMethod("PUT").withResource(AdminHandler.OBJECT_TYPE)
                                .withPathParameters(Map.of("DomainName", DOMAIN, "ObjectTypeName", type)).withBody(body), context));
            }

            void listObjects() {
                String profile = someProfile();
                Call call = History.this.call(thread, "ListProfileObjects", shortId(profile),
                        context -> read.handleRequest(Events.listProfileObjects(DOMAIN, "CTR", profile), context));
                call.profiles.add(profile);
                if (call.acked()) call.result = ((List<?>) body(call).get("Items")).size() + " items";
            }

            void putRecord() {
                String phone = customer();
                String contact = "ctr-" + token();
                // The same record sent twice at once: both puts may read "no such object" and race to start it.
                Future<Call> twin = random.nextInt(TWIN_EVERY) == 0 ? twins.submit(() -> putCall(contact, phone)) : null;
                learn(putCall(contact, phone));
                if (twin != null) {
                    try {
                        learn(twin.get(2, TimeUnit.MINUTES));
                    } catch (Exception e) {
                        throw new IllegalStateException("the twin put of " + contact + " did not end", e);
                    }
                }
            }

            Call putCall(String contact, String phone) {
                Call call = History.this.call(thread, "PutProfileObject", contact + " phone " + phone, context -> put.handleRequest(
                        Events.putProfileObject(DOMAIN, "CTR", ContentionTest.ctr(contact, phone)), context));
                call.token = contact;
                call.phone = phone;
                return call;
            }

            /** Where a put's record landed (SearchProfiles by its contact id), when it answered 200. */
            void learn(Call call) {
                String contact = call.token;
                if (!call.acked()) return;
                call.uniqueKey = (String) body(call).get("ProfileObjectUniqueKey");
                call.result = "key " + call.uniqueKey.substring(0, 8);
                call.locate = search("_ctrContactId", contact);
                call.profiles.addAll(call.locate.found);
                myPuts.add(call);
            }

            void addKey() {
                String profile = someProfile();
                boolean email = random.nextBoolean();
                String keyName = email ? "_email" : "loyalty";
                String value = email ? token() + "@example.com" : token();
                Call call = History.this.call(thread, "AddProfileKey", shortId(profile) + " " + keyName + "=" + value,
                        context -> addKey.handleRequest(Events.addProfileKey(DOMAIN, profile, keyName, value), context));
                call.token = value;
                call.keyName = keyName;
                call.target = profile;
                call.profiles.add(profile);
                if (call.acked()) myKeys.add(call);
            }

            /**
             * DeleteProfileKey of a value this thread added: on the profile SearchProfiles finds holding it (a
             * merge may have moved it), or one time in four on a recent profile, which (not holding it) answers 404.
             */
            void deleteKey() {
                Call add = myKeys.get(random.nextInt(myKeys.size()));
                Call where = search(add.keyName, add.token);
                String profile = random.nextInt(4) == 0 ? someProfile() : where.found.size() == 1 ? where.found.get(0) : add.target;
                Call call = History.this.call(thread, "DeleteProfileKey", shortId(profile) + " " + add.keyName + "=" + add.token,
                        () -> items.holders(add.keyName, storedValue(add)), context -> lifecycle("POST",
                                ProfileLifecycleHandler.DELETE_KEY_RESOURCE, Map.of("ProfileId", profile, "KeyName", add.keyName,
                                        "Values", List.of(add.token)), context));
                call.token = add.token;
                call.keyName = add.keyName;
                call.target = profile;
                call.profiles.add(profile);
                if (call.acked()) myKeys.remove(add);
            }

            void update() {
                String profile = someProfile();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ProfileId", profile);
                String name = token();
                body.put("FirstName", name);
                int phoneRoll = random.nextInt(10);
                String phone = phoneRoll < 2 ? customer() : phoneRoll < 4 ? String.format("+1 425 555 %04d", random.nextInt(10_000))
                        : phoneRoll < 6 ? "" : null;
                if (phone != null) body.put("PhoneNumber", phone);
                Call call = History.this.call(thread, "UpdateProfile", shortId(profile) + " FirstName=" + name
                        + (phone == null ? "" : " PhoneNumber='" + phone + "'"),
                        context -> lifecycle("PUT", ProfileLifecycleHandler.PROFILES_RESOURCE, body, context));
                call.token = name;
                call.phone = phone;
                call.target = profile;
                call.profiles.add(profile);
            }

            void deleteObject() {
                Call record = myPuts.get(random.nextInt(myPuts.size()));
                Call where = search("_ctrContactId", record.token); // its profile now (a merge may have moved it)
                String profile = where.found.size() == 1 ? where.found.get(0)
                        : record.locate.found.isEmpty() ? someProfile() : record.locate.found.get(0);
                Call call = History.this.call(thread, "DeleteProfileObject", shortId(profile) + " " + record.token
                        + " key " + record.uniqueKey.substring(0, 8), () -> items.objectOn("CTR", record.uniqueKey), context -> lifecycle("POST",
                        ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE, Map.of("ProfileId", profile, "ObjectTypeName", "CTR",
                                "ProfileObjectUniqueKey", record.uniqueKey), context));
                call.uniqueKey = record.uniqueKey;
                call.token = record.token;
                call.target = profile;
                call.profiles.add(profile);
                if (call.acked()) myPuts.remove(record);
            }

            void merge() {
                String main = someProfile();
                Set<String> merged = new LinkedHashSet<>();
                int wanted = 1 + random.nextInt(2);
                for (int i = 0; i < 6 && merged.size() < wanted; i++) {
                    String id = someProfile();
                    if (!id.equals(main)) merged.add(id);
                }
                if (merged.isEmpty()) {
                    search("_phone", customer());
                    return;
                }
                Set<String> named = new LinkedHashSet<>(merged);
                named.add(main);
                Call call = History.this.call(thread, "MergeProfiles", shortId(main) + " <- " + shortIds(merged),
                        () -> items.existing(named), context -> lifecycle("POST", ProfileLifecycleHandler.MERGE_RESOURCE,
                                Map.of("MainProfileId", main, "ProfileIdsToBeMerged", List.copyOf(merged)), context));
                call.target = main;
                call.merged = List.copyOf(merged);
                call.profiles.add(main);
                call.profiles.addAll(merged);
                if (call.acked()) seen.removeAll(merged);
            }

            void deleteProfile() {
                String profile = someProfile();
                Call call = History.this.call(thread, "DeleteProfile", shortId(profile), () -> items.existing(List.of(profile)),
                        context -> lifecycle("POST", ProfileLifecycleHandler.DELETE_RESOURCE, Map.of("ProfileId", profile), context));
                call.target = profile;
                call.profiles.add(profile);
                if (call.acked()) seen.remove(profile);
            }

            void create() {
                Map<String, Object> body = new LinkedHashMap<>();
                String name = token();
                body.put("FirstName", name);
                String phone = random.nextInt(10) < 3 ? customer() : null;
                if (phone != null) body.put("PhoneNumber", phone);
                Call call = History.this.call(thread, "CreateProfile", "FirstName=" + name + (phone == null ? "" : " PhoneNumber=" + phone),
                        context -> lifecycle("POST", ProfileLifecycleHandler.PROFILES_RESOURCE, body, context));
                call.token = name;
                call.phone = phone;
                if (call.acked()) {
                    String id = (String) body(call).get("ProfileId");
                    call.result = "created " + shortId(id);
                    saw(call, List.of(id));
                }
            }
        }

        /** Per write operation: its calls that answered only 4xx/429 / all its calls. */
        Map<String, String> refusedWrites() {
            Map<String, String> out = new TreeMap<>();
            for (String op : List.of("PutProfileObject", "AddProfileKey", "CreateProfile", "UpdateProfile", "DeleteProfileKey",
                    "DeleteProfileObject", "DeleteProfile", "MergeProfiles")) {
                List<Call> all = calls.stream().filter(c -> c.op.equals(op)).toList();
                out.put(op, all.stream().filter(Call::refused).count() + "/" + all.size());
            }
            return out;
        }

        /** Records sent twice whose two puts overlapped in time. */
        long overlappingTwinPuts() {
            Map<String, List<Call>> byRecord = calls.stream().filter(c -> c.op.equals("PutProfileObject"))
                    .collect(Collectors.groupingBy(c -> c.token));
            return byRecord.values().stream().filter(puts -> puts.size() == 2 && puts.get(0).overlaps(puts.get(1))).count();
        }

        /** Lifecycle calls that overlapped in time another call touching one of their profiles. */
        long overlappingLifecycleCalls() {
            return calls.stream().filter(c -> LIFECYCLE.contains(c.op)).filter(c -> calls.stream().anyMatch(o -> o != c
                    && o.overlaps(c) && !Collections.disjoint(o.profiles, c.profiles))).count();
        }

        String line(Call c) {
            String result = c.result.length() > 120 ? c.result.substring(0, 120) + "..." : c.result;
            String peeks = c.before == null ? "" : " (table: before " + shortIds(c.before) + ", after "
                    + (c.after == null ? "null" : shortIds(c.after)) + ")";
            return String.format("%6d..%6d ms t%-2d #%-4d %-19s %s -> %s %s%s", (c.start - began) / 1_000_000, (c.end - began) / 1_000_000,
                    c.thread, c.id, c.op, c.args, c.statuses, result, peeks);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> body(Call call) {
        return (Map<String, Object>) Json.parse(call.result);
    }

    static String shortId(String id) {
        return id == null ? "null" : id.substring(0, Math.min(8, id.length()));
    }

    static String shortIds(Iterable<String> ids) {
        List<String> out = new ArrayList<>();
        ids.forEach(id -> out.add(shortId(id)));
        return out.toString();
    }

    /** An AddProfileKey's or DeleteProfileKey's value as the table stores it (emails lower-cased). */
    static String storedValue(Call c) {
        return c.keyName.equals("_email") ? c.token.toLowerCase() : c.token;
    }

    static String phoneKey(String phone) {
        return Normaliser.normalise(ContentType.PHONE_NUMBER, phone);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the checker

    /** Checks a finished history against the table (scan) and the read API. */
    static final class Checker {
        final History h;
        final TableScan scan;
        final List<Call> calls;
        final List<Violation> violations = new ArrayList<>();
        final Set<String> unsettled = new HashSet<>();
        final Map<String, TableScan.ObjectRow> objectByContact = new HashMap<>();
        final Map<String, List<Map<String, Object>>> listed = new HashMap<>();

        Checker(History h) {
            this.h = h;
            this.scan = TableScan.of(LocalDynamo.client(), h.table);
            this.calls = List.copyOf(h.calls);
            for (Call c : calls) { // a removal that answered 5xx at last (only 4xx/429: it did nothing; 200 or 404 at last: finished)
                if (removal(c) && c.mayRemove() && c.status() != 200 && c.status() != 400 && c.status() != 404) unsettled.addAll(c.profiles);
            }
            for (TableScan.ObjectRow object : scan.objects) {
                if (Json.parse(object.object()) instanceof Map<?, ?> json) objectByContact.put((String) json.get("contactId"), object);
            }
        }

        static boolean removal(Call c) {
            return c.op.equals("DeleteProfile") || c.op.equals("MergeProfiles");
        }

        void violation(int invariant, String what, Set<String> profiles, Set<String> tokens) {
            Set<String> ids = new HashSet<>(profiles);
            ids.remove(null);
            violations.add(new Violation(invariant, what, ids, tokens));
        }

        List<Call> ops(String op) {
            return calls.stream().filter(c -> c.op.equals(op)).toList();
        }

        /** DeleteProfile and MergeProfiles calls that may have removed {@code profile}. */
        List<Call> removers(String profile) {
            return calls.stream().filter(c -> c.mayRemove() && (c.op.equals("DeleteProfile") && profile.equals(c.target)
                    || c.op.equals("MergeProfiles") && c.merged.contains(profile))).toList();
        }

        List<Violation> check() {
            erasedMeansErased();
            records();
            keysAddedAndRefusedCalls();
            keyValues();
            profilesThatVanished();
            refusedCallsChangedNothing();
            oneProfilePerPhone();
            calculatedAttributes();
            history();
            return violations;
        }

        /** The violations, and the calls that touched the items of the first {@code traced} of them, by start time. */
        String report(List<Violation> violations, int traced) {
            StringBuilder out = new StringBuilder();
            out.append("=== seed ").append(h.seed).append(" faults ").append(h.faults).append(": ").append(violations.size())
                    .append(" violation(s); rerun: -Dhistory.seed=").append(h.seed).append(" -Dhistory.count=1 -Dhistory.faults=")
                    .append(h.faults).append('\n');
            Map<Integer, Long> byInvariant = violations.stream().collect(Collectors.groupingBy(Violation::invariant, TreeMap::new,
                    Collectors.counting()));
            out.append("    by invariant: ").append(byInvariant).append('\n');
            violations.stream().limit(30).forEach(v -> out.append("    ").append(v.invariant()).append(": ").append(v.what()).append('\n'));
            for (Violation v : violations.subList(0, Math.min(traced, violations.size()))) {
                out.append("--- invariant ").append(v.invariant()).append(": ").append(v.what()).append('\n');
                calls.stream().filter(c -> !Collections.disjoint(c.profiles, v.profiles()) || v.tokens().stream().anyMatch(c.args::contains))
                        .sorted(Comparator.comparingLong(c -> c.start)).limit(60).forEach(c -> out.append("    ").append(h.line(c)).append('\n'));
                v.profiles().stream().limit(6).forEach(id -> out.append("    at the end: profile ").append(shortId(id))
                        .append(scan.profiles.contains(id) ? " exists" : " is gone").append(scan.closed.contains(id) ? ", shards closed" : "")
                        .append(scan.mergedInto.containsKey(id) ? ", shards say merged into " + shortIds(scan.mergedInto.get(id)) : "")
                        .append(", records on it: ").append(objectByContact.entrySet().stream().filter(e -> id.equals(e.getValue().profileId()))
                                .map(Map.Entry::getKey).sorted().toList()).append('\n'));
                v.tokens().stream().filter(t -> t.startsWith("ctr-")).limit(4).forEach(t -> out.append("    at the end: record ").append(t)
                        .append(objectByContact.containsKey(t) ? " is on " + shortId(objectByContact.get(t).profileId()) : " is gone")
                        .append(", its contact id names ").append(shortIds(scan.holders("_ctrContactId", t))).append('\n'));
            }
            return out.toString();
        }

        // 6. profile history: one record per change that happened (a request sent again after a lost answer included), none
        // for a call that answered only 4xx/429; records listed under a missing profile are reported as dangling (2)
        void history() {
            Map<String, Integer> ingestedByContact = new HashMap<>();
            for (TableScan.HistoryRow row : scan.history) {
                if ("INGESTED".equals(row.actionType()) && row.content() != null && Json.parse(row.content()) instanceof Map<?, ?> json
                        && json.get("contactId") instanceof String contact) {
                    ingestedByContact.merge(contact, 1, Integer::sum);
                }
            }
            for (Call put : ops("PutProfileObject")) {
                // Each attempt is one request: at most one INGESTED record each, and none from an attempt answered 4xx/429
                // (a record sent twice: its two puts' attempts together).
                long mayHaveWritten = twins(put).stream().flatMap(twin -> twin.statuses.stream())
                        .filter(status -> status == 200 || status >= 500 || status < 0).count();
                int records = ingestedByContact.getOrDefault(put.token, 0);
                if (records > mayHaveWritten) {
                    violation(put.refused() ? 3 : 6, "put #" + put.id + " answered " + put.statuses + " but " + records
                            + " INGESTED records hold its record", profilesOf(objectByContact.get(put.token)), Set.of(put.token));
                }
            }
            for (TableScan.ObjectRow object : scan.objects) {
                // An object on a profile got there by a put recorded on it, or a merge that re-pointed its records there.
                if (object.profileId() == null || !scan.profiles.contains(object.profileId()) || unsettled.contains(object.profileId())) continue;
                boolean recorded = scan.history.stream().anyMatch(row -> "INGESTED".equals(row.actionType())
                        && object.uniqueKey().equals(row.uniqueKey()) && object.profileId().equals(row.profileId()));
                if (!recorded) {
                    String contact = objectByContact.entrySet().stream().filter(e -> e.getValue() == object).map(Map.Entry::getKey)
                            .findFirst().orElse(object.uniqueKey());
                    violation(6, "record " + contact + " is on " + shortId(object.profileId()) + " but no INGESTED record of it is listed there",
                            Set.of(object.profileId()), Set.of(contact));
                }
            }
            // An object ends once, on the profile it is on: the record its item names is that profile's EXPIRED, dated at its
            // expiry (until then not listed); and no EXPIRED record waits for an object that is not there to expire.
            Map<String, TableScan.HistoryRow> recordsById = new HashMap<>();
            for (TableScan.HistoryRow row : scan.history) recordsById.put(row.recordId(), row);
            Set<String> named = new HashSet<>();
            for (TableScan.ObjectRow object : scan.objects) {
                if (object.endRecord() != null) named.add(object.endRecord());
                if (object.profileId() == null || !scan.profiles.contains(object.profileId()) || unsettled.contains(object.profileId())) continue;
                TableScan.HistoryRow end = object.endRecord() == null ? null : recordsById.get(object.endRecord());
                if (end == null || !"EXPIRED".equals(end.actionType()) || !object.profileId().equals(end.profileId())
                        || end.createdAt() != object.expiresAt() * 1000) {
                    violation(6, "object " + object.uniqueKey() + " on " + shortId(object.profileId()) + " expiring at " + object.expiresAt()
                            + " names end record " + object.endRecord() + ", which is " + end, Set.of(object.profileId()), Set.of(object.uniqueKey()));
                }
            }
            for (TableScan.HistoryRow row : scan.history) {
                if (!"EXPIRED".equals(row.actionType()) || named.contains(row.recordId())) continue;
                if (!scan.profiles.contains(row.profileId()) || unsettled.contains(row.profileId())) continue;
                violation(6, "EXPIRED record " + row.recordId() + " on " + shortId(row.profileId()) + " waits for object " + row.uniqueKey()
                        + ", which no object names as its end", Set.of(row.profileId()), Set.of(row.uniqueKey()));
            }
            Set<String> writes = Set.of("PutProfileObject", "AddProfileKey", "CreateProfile", "UpdateProfile", "DeleteProfileKey");
            for (Call c : calls) {
                if (!c.refused() || c.token == null || !writes.contains(c.op)) continue;
                if (calls.stream().anyMatch(o -> o != c && c.token.equals(o.token) && o.mayHaveActed())) continue;
                String needle = c.token.toLowerCase(java.util.Locale.ROOT);
                for (TableScan.HistoryRow row : scan.history) {
                    if (row.content() != null && row.content().toLowerCase(java.util.Locale.ROOT).contains(needle)) {
                        violation(3, c.op + " #" + c.id + " answered " + c.statuses + " but history record " + row.pk() + " ("
                                + row.actionType() + ") holds its value " + c.token, c.profiles, Set.of(c.token));
                    }
                }
            }
        }

        // 2. erased means erased
        void erasedMeansErased() {
            Set<String> danglingItems = new HashSet<>();
            for (TableScan.Dangling item : scan.dangling()) {
                danglingItems.add(item.pk());
                String[] key = item.pk().split("#", 5); // D#<domain>#K#<keyName>#<value>: the value, to trace the calls that wrote it
                Set<String> values = new HashSet<>();
                if (key[2].equals("K")) {
                    String value = key[4].replaceAll("#H#.*", "");
                    values.add(value);
                    // A phone is stored normalised; the calls name it as the customer wrote it.
                    h.customers.stream().filter(phone -> phoneKey(phone).equals(value)).forEach(values::add);
                }
                violation(2, "an item names a profile that does not exist: " + item, Set.of(item.profileId()), values);
            }
            for (Call c : calls) {
                if (!c.acked() || !removal(c)) continue;
                for (String removed : c.op.equals("DeleteProfile") ? List.of(c.target) : c.merged) {
                    if (scan.profiles.contains(removed)) {
                        violation(2, c.op + " #" + c.id + " answered 200 but profile " + shortId(removed) + " exists", Set.of(removed), Set.of());
                        continue;
                    }
                    for (String item : scan.mentioning(removed)) {
                        if (danglingItems.contains(item.substring(0, item.indexOf(": ")))) continue; // reported above
                        violation(2, "after " + c.op + " #" + c.id + " answered 200, an item holds " + shortId(removed) + ": " + item,
                                Set.of(removed), Set.of());
                    }
                    List<Map<String, Object>> items = items(h.read.handleRequest(Events.searchProfiles(DOMAIN, "_profileId", removed), null));
                    if (!items.isEmpty()) violation(2, "SearchProfiles _profileId=" + shortId(removed) + " finds the removed profile",
                            Set.of(removed), Set.of());
                    if (!listObjects(removed).isEmpty()) violation(2, "ListProfileObjects lists objects of removed profile "
                            + shortId(removed) + ": " + listObjects(removed), Set.of(removed), Set.of());
                }
            }
            // BatchGetProfile agrees with the table on every profile the history saw.
            List<String> known = calls.stream().flatMap(c -> c.profiles.stream()).distinct().toList();
            for (int i = 0; i < known.size(); i += 20) {
                List<String> chunk = known.subList(i, Math.min(known.size(), i + 20));
                APIGatewayProxyResponseEvent response = h.read.handleRequest(Events.request("POST", ReadProfilesHandler.BATCH_GET_RESOURCE,
                        DOMAIN, Json.write(Map.of("ProfileIds", chunk))), null);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> profiles = (List<Map<String, Object>>) Events.body(response).get("Profiles");
                Set<String> shown = profiles.stream().map(p -> (String) p.get("ProfileId")).collect(Collectors.toSet());
                for (String id : chunk) {
                    if (shown.contains(id) != scan.profiles.contains(id)) {
                        violation(shown.contains(id) ? 2 : 1, "BatchGetProfile " + (shown.contains(id) ? "shows" : "misses") + " profile "
                                + shortId(id) + " which the table " + (scan.profiles.contains(id) ? "holds" : "does not hold"), Set.of(id), Set.of());
                    }
                }
            }
        }

        // 1 (records), 2 (their contact ids), 3 (refused puts and deletes of objects)
        void records() {
            for (Call put : ops("PutProfileObject")) {
                TableScan.ObjectRow object = objectByContact.get(put.token);
                if (put.refused() && twins(put).stream().allMatch(Call::refused) && !scan.mentioning(put.token).isEmpty()) {
                    violation(3, "put #" + put.id + " answered " + put.statuses + " but the table holds its record: "
                            + scan.mentioning(put.token), profilesOf(object), Set.of(put.token));
                }
                if (object == null) {
                    Set<String> holders = settled(scan.holders("_ctrContactId", put.token));
                    holders.retainAll(scan.profiles); // a missing one is reported as dangling
                    if (!holders.isEmpty()) violation(2, "record " + put.token + " is gone but its contact id names " + shortIds(holders),
                            holders, Set.of(put.token));
                }
                if (!put.acked()) continue;
                Map<String, Long> positions = positions(put, false);
                Call excuse = excuse(put, positions);
                if (object == null) {
                    if (excuse != null) continue;
                    Call refusedDelete = calls.stream().filter(c -> c.op.equals("DeleteProfileObject") && put.uniqueKey.equals(c.uniqueKey))
                            .findFirst().orElse(null); // it answered only 4xx/429: else it would excuse the loss
                    Map<String, Long> anyMerge = positions(put, true); // also through merges that answered only 4xx/429
                    Call refusedMerge = excuse(put, anyMerge);
                    Call refusedRemoval = anyMerge == null ? null : excuse(put, anyMerge, true); // a DeleteProfile that answered only 4xx/429
                    violation(refusedDelete != null || refusedMerge != null || refusedRemoval != null ? 3 : 1, "acknowledged record " + put.token
                            + " (put #" + put.id + ") is gone; it may have been on "
                            + (positions == null ? "?" : shortIds(positions.keySet())) + (refusedDelete != null
                            ? ", and only DeleteProfileObject #" + refusedDelete.id + ", which answered " + refusedDelete.statuses
                            + ", could have removed it"
                            : refusedMerge != null ? ", and only #" + refusedMerge.id + " " + refusedMerge.op + " " + refusedMerge.args
                            + " could have erased it, had a MergeProfiles that answered only 4xx/429 moved it there"
                            : refusedRemoval != null ? ", and only #" + refusedRemoval.id + " " + refusedRemoval.op + " " + refusedRemoval.args
                            + ", which answered " + refusedRemoval.statuses + ", could have removed it"
                            : ", and no call could have removed it"),
                            anyMerge == null ? put.profiles : anyMerge.keySet(), Set.of(put.token));
                    continue;
                }
                String on = object.profileId();
                Set<String> involved = new HashSet<>(put.profiles);
                if (positions != null) involved.addAll(positions.keySet());
                involved.add(on);
                if (on == null || !scan.profiles.contains(on)) {
                    violation(excuse == null ? 1 : 2, "acknowledged record " + put.token + " (put #" + put.id + ") is on profile "
                            + shortId(on) + ", which does not exist" + (excuse == null ? "" : " (erased by #" + excuse.id + "?)"),
                            involved, Set.of(put.token));
                    continue;
                }
                if (unsettled.contains(on)) continue;
                if (positions != null && !positions.containsKey(on) && !placedByTwin(put, on)) {
                    Map<String, Long> anyMerge = positions(put, true);
                    boolean refused = anyMerge != null && anyMerge.containsKey(on);
                    violation(refused ? 3 : 1, "acknowledged record " + put.token + " (put #" + put.id + ") is on " + shortId(on)
                            + ", where no merge " + (refused ? "that may have acted " : "") + "could take it from "
                            + shortIds(positions.keySet()) + (refused ? " (only a MergeProfiles that answered only 4xx/429 could)" : ""),
                            refused ? union(involved, anyMerge.keySet()) : involved, Set.of(put.token));
                }
                List<String> found = items(h.read.handleRequest(Events.searchProfiles(DOMAIN, "_ctrContactId", put.token), null)).stream()
                        .map(p -> (String) p.get("ProfileId")).toList();
                if (!found.equals(List.of(on))) {
                    violation(1, "SearchProfiles _ctrContactId=" + put.token + " finds " + shortIds(found) + ", its record is on "
                            + shortId(on), involved, Set.of(put.token));
                }
                if (listObjects(on).stream().noneMatch(o -> put.uniqueKey.equals(o.get("ProfileObjectUniqueKey")))) {
                    violation(1, "ListProfileObjects(" + shortId(on) + ", CTR) does not list record " + put.token, involved, Set.of(put.token));
                }
            }
            // Every object's key values name its profile; its contact id names nothing else.
            for (TableScan.ObjectRow object : scan.objects) {
                String on = object.profileId();
                if (on == null || !scan.profiles.contains(on) || unsettled.contains(on)) continue;
                String contact = objectByContact.entrySet().stream().filter(e -> e.getValue() == object).map(Map.Entry::getKey)
                        .findFirst().orElse(object.pk());
                for (String key : object.objectKeys()) {
                    Set<String> holders = scan.holders.getOrDefault(key, Set.of());
                    if (!Collections.disjoint(holders, unsettled)) continue;
                    if (!holders.contains(on)) {
                        violation(1, "record " + contact + " is on " + shortId(on) + " but its key " + key + " names " + shortIds(holders),
                                union(holders, Set.of(on)), Set.of(contact));
                    } else if (key.startsWith("_ctrContactId#") && holders.size() > 1) {
                        violation(2, "record " + contact + " is on " + shortId(on) + " but its contact id also names " + shortIds(holders),
                                holders, Set.of(contact));
                    }
                }
            }
            // A DeleteProfileObject that answered only 4xx/429 deleted nothing: checked above (a missing record it alone explains),
            // and on its peeks (refusedCallsChangedNothing).
        }

        /**
         * The profiles the acknowledged record may have been on, each with the earliest time it may
         * have got there: where SearchProfiles found it right after the put (and the profiles merged into
         * that one meanwhile), then every main profile a merge that may have acted could take it to.
         * Null when the search did not find it on exactly one profile.
         */
        Map<String, Long> positions(Call put, boolean refusedMergesToo) {
            if (put.locate == null || put.locate.found.size() != 1) return null;
            Map<String, Long> at = new HashMap<>();
            at.put(put.locate.found.get(0), put.locate.start);
            return follow(at, put, put.locate.end, refusedMergesToo);
        }

        /**
         * Adds to {@code at} (profile → the earliest time the item written by {@code write} may have been there)
         * every main profile a merge could take it to; with {@code locatedBy} (the end of the search that found it),
         * also the profiles merged meanwhile into one where it was found.
         */
        Map<String, Long> follow(Map<String, Long> at, Call write, Long locatedBy, boolean refusedMergesToo) {
            List<Call> merges = ops("MergeProfiles").stream().filter(c -> refusedMergesToo || c.mayRemove()).toList();
            for (boolean changed = true; changed; ) {
                changed = false;
                for (Call merge : merges) {
                    if (locatedBy != null && at.containsKey(merge.target) && merge.start < locatedBy && merge.end > write.start) {
                        for (String m : merge.merged) changed |= at.putIfAbsent(m, write.start) == null;
                    }
                    for (String m : merge.merged) {
                        Long since = at.get(m);
                        if (since == null || merge.end <= since) continue;
                        long arrival = Math.max(since, merge.start);
                        Long known = at.get(merge.target);
                        if (known == null || known > arrival) {
                            at.put(merge.target, arrival);
                            changed = true;
                        }
                    }
                }
            }
            return at;
        }

        /** A call that may have removed the record: a DeleteProfileObject of it, or a DeleteProfile where it may have been. */
        Call excuse(Call put, Map<String, Long> positions) {
            return excuse(put, positions, false);
        }

        /** The same, {@code refusedToo}: counting calls that answered only 4xx/429 as having acted. */
        Call excuse(Call put, Map<String, Long> positions, boolean refusedToo) {
            for (Call c : calls) {
                boolean acted = refusedToo || c.mayHaveActed();
                if (c.op.equals("DeleteProfileObject") && put.uniqueKey.equals(c.uniqueKey) && acted) return c;
                if (c.op.equals("DeleteProfile") && acted && c.end > put.start
                        && (positions == null || positions.containsKey(c.target) && c.end > positions.get(c.target))) return c;
            }
            return null;
        }

        // 1 (acknowledged keys) and 3 (refused calls leave no trace)
        void keysAddedAndRefusedCalls() {
            for (Call c : calls) {
                if (c.token == null || c.op.equals("PutProfileObject") || c.op.equals("DeleteProfileObject") || c.op.equals("DeleteProfileKey")) {
                    continue; // their token is what they remove
                }
                if (c.refused() && !scan.mentioning(c.token).isEmpty()) {
                    violation(3, c.op + " #" + c.id + " answered " + c.statuses + " but the table holds its value " + c.token + ": "
                            + scan.mentioning(c.token), c.profiles, Set.of(c.token));
                }
            }
            for (String id : scan.closed) {
                boolean removed = calls.stream().anyMatch(c -> c.acked() && removal(c) && (c.op.equals("DeleteProfile")
                        ? id.equals(c.target) : c.merged.contains(id))); // reported as erased-but-existing
                if (scan.profiles.contains(id) && !unsettled.contains(id) && !removed) {
                    violation(3, "profile " + shortId(id) + " exists but its shards are closed (writes to it answer 404), and no"
                            + " DeleteProfile/MergeProfiles of it answered 5xx", Set.of(id), Set.of());
                }
            }
            for (Map.Entry<String, Set<String>> gate : scan.mergedInto.entrySet()) {
                for (String main : gate.getValue()) {
                    boolean merged = ops("MergeProfiles").stream().anyMatch(c -> c.mayRemove() && main.equals(c.target)
                            && c.merged.contains(gate.getKey()));
                    if (!merged) violation(3, "the shards of " + shortId(gate.getKey()) + " name main profile " + shortId(main)
                            + " but no merge of it into that profile may have acted", Set.of(gate.getKey(), main), Set.of());
                }
            }
        }

        /**
         * 1 (acknowledged keys) and 3 (refused DeleteProfileKey, DeleteProfile, MergeProfiles): the value of an
         * AddProfileKey that answered 200 names its profile while that exists, else a main profile a merge that may
         * have acted could take it to, unless a DeleteProfileKey of it that may have acted, or a DeleteProfile of a
         * profile it may have been on that ended after it got there, removed it.
         */
        void keyValues() {
            for (Call add : ops("AddProfileKey")) {
                if (!add.acked()) continue;
                Map<String, Long> positions = follow(new HashMap<>(Map.of(add.target, add.start)), add, null, false);
                if (!Collections.disjoint(positions.keySet(), unsettled)) continue;
                Set<String> holders = new HashSet<>(scan.holders(add.keyName, storedValue(add)));
                holders.retainAll(scan.profiles); // a missing one is reported as dangling
                boolean kept = scan.profiles.contains(add.target) ? holders.contains(add.target) : !Collections.disjoint(holders, positions.keySet());
                if (kept || keyExcuse(add, positions, false) != null) continue;
                Map<String, Long> anyMerge = follow(new HashMap<>(Map.of(add.target, add.start)), add, null, true);
                Call refused = keyExcuse(add, anyMerge, true);
                boolean movedByRefusedMerge = !holders.isEmpty() && !Collections.disjoint(holders, anyMerge.keySet());
                violation(refused != null || movedByRefusedMerge ? 3 : 1, "AddProfileKey #" + add.id + " answered 200 but " + add.keyName + "="
                        + storedValue(add) + " names " + shortIds(holders) + "; it may be on " + shortIds(positions.keySet())
                        + (scan.profiles.contains(add.target) ? " (" + shortId(add.target) + " exists)" : "")
                        + (movedByRefusedMerge ? ", where only a MergeProfiles that answered only 4xx/429 could take it"
                        : refused != null ? ", and only #" + refused.id + " " + refused.op + " " + refused.args + ", which answered "
                        + refused.statuses + ", could have removed it" : ", and no call could have removed it"),
                        union(union(add.profiles, anyMerge.keySet()), holders), Set.of(add.token));
            }
        }

        /** A call that may have removed an added key value: a DeleteProfileKey of it, or a DeleteProfile where it may have been. */
        Call keyExcuse(Call add, Map<String, Long> positions, boolean refusedToo) {
            for (Call c : calls) {
                if (!refusedToo && !c.mayHaveActed()) continue;
                if (c.op.equals("DeleteProfileKey") && add.keyName.equals(c.keyName) && add.token.equals(c.token)) return c;
                if (c.op.equals("DeleteProfile") && c.end > add.start && positions.containsKey(c.target)
                        && c.end > positions.get(c.target)) return c;
            }
            return null;
        }

        /**
         * 3. A DeleteProfileObject, DeleteProfileKey, DeleteProfile or MergeProfiles that answered only 4xx/429
         * changed nothing, seen on its peeks: what was there right before it (an object on a profile, a value
         * naming a profile, a profile) is there right after it, unless another call that may have acted
         * during that window ({@link #mayActDuring}) could have taken it away.
         */
        void refusedCallsChangedNothing() {
            for (Call c : calls) {
                if (!c.refused() || c.before == null || c.after == null) continue;
                switch (c.op) {
                    case "DeleteProfileObject" -> {
                        if (c.before.isEmpty() || !c.after.isEmpty()) continue; // deleted, not moved: merges move
                        Set<String> where = reachable(c, c.before);
                        Call other = takenAway(c, where, false, o -> o.op.equals("DeleteProfileObject") && c.uniqueKey.equals(o.uniqueKey));
                        if (other == null) {
                            violation(3, "DeleteProfileObject #" + c.id + " answered " + c.statuses + " but deleted record " + c.token
                                    + ": it was on " + shortIds(c.before) + " right before and gone right after, and no other call"
                                    + " in that window could have removed it (it could have been on " + shortIds(where) + ")",
                                    union(c.profiles, where), Set.of(c.token));
                        }
                    }
                    case "DeleteProfileKey" -> {
                        for (String holder : c.before) {
                            if (c.after.contains(holder)) continue;
                            Call other = takenAway(c, Set.of(holder), true,
                                    o -> o.op.equals("DeleteProfileKey") && c.keyName.equals(o.keyName) && c.token.equals(o.token));
                            if (other == null) {
                                violation(3, "DeleteProfileKey #" + c.id + " answered " + c.statuses + " but " + c.keyName + "=" + c.token
                                        + " named " + shortId(holder) + " right before and not right after (names " + shortIds(c.after)
                                        + "), and no other call in that window could have removed it", union(c.profiles, c.before),
                                        Set.of(c.token));
                            }
                        }
                    }
                    case "DeleteProfile", "MergeProfiles" -> {
                        for (String id : c.before) {
                            if (c.after.contains(id)) continue;
                            Call other = takenAway(c, Set.of(id), true, o -> false);
                            if (other == null) {
                                violation(3, c.op + " #" + c.id + " " + c.args + " answered " + c.statuses + " but profile " + shortId(id)
                                        + " existed right before it and was gone right after, and no other call in that window could have"
                                        + " removed it", c.profiles, Set.of());
                            }
                        }
                    }
                    default -> { }
                }
            }
        }

        /**
         * Whether {@code other} may have written between {@code c}'s peeks: it may have acted and overlapped them;
         * a DeleteProfile or MergeProfiles that did not answer 200 at last, at any time after it began (a later
         * request, {@code c} itself included, may finish it).
         */
        boolean mayActDuring(Call other, Call c) {
            if (other == c || !other.mayHaveActed() || other.start >= c.afterAt) return false;
            return other.end > c.beforeAt || removal(other) && other.status() != 200;
        }

        /** {@code from} and every main profile a merge that may have acted during {@code c}'s window could take its items to. */
        Set<String> reachable(Call c, Set<String> from) {
            Set<String> at = new HashSet<>(from);
            for (boolean changed = true; changed; ) {
                changed = false;
                for (Call merge : ops("MergeProfiles")) {
                    if (mayActDuring(merge, c) && !Collections.disjoint(merge.merged, at)) changed |= at.add(merge.target);
                }
            }
            return at;
        }

        /**
         * Another call that may have acted during {@code c}'s window and could take {@code c}'s subject away from one of
         * {@code profiles}: one on the same subject, a DeleteProfile of one of them, and ({@code mergesToo}) a
         * MergeProfiles of one of them into another (it moves keys and objects away, and removes the profile); null: none.
         */
        Call takenAway(Call c, Set<String> profiles, boolean mergesToo, Predicate<Call> sameSubject) {
            for (Call o : calls) {
                if (!mayActDuring(o, c)) continue;
                if (sameSubject.test(o) || o.op.equals("DeleteProfile") && profiles.contains(o.target)
                        || mergesToo && o.op.equals("MergeProfiles") && !Collections.disjoint(o.merged, profiles)) return o;
            }
            return null;
        }

        // 1 (profiles) and 3 (refused removals)
        void profilesThatVanished() {
            // A profile goes once: of two removals of it, one of them a merge, one must answer 404 (and leave its data where the other put it).
            List<Call> removals = calls.stream().filter(c -> c.acked() && removal(c)).toList();
            for (Call a : removals) {
                for (Call b : removals) {
                    if (a.id >= b.id || a.op.equals("DeleteProfile") && b.op.equals("DeleteProfile")
                            || a.op.equals("MergeProfiles") && b.op.equals("MergeProfiles") && a.target.equals(b.target)) continue;
                    Set<String> both = new HashSet<>(a.op.equals("DeleteProfile") ? List.of(a.target) : a.merged);
                    both.retainAll(b.op.equals("DeleteProfile") ? List.of(b.target) : b.merged);
                    if (!both.isEmpty()) violation(3, "profile(s) " + shortIds(both) + " removed by two calls that both answered 200: #"
                            + a.id + " " + a.op + " " + a.args + " and #" + b.id + " " + b.op + " " + b.args
                            + " (the one ordered second finds it gone and must answer 404)", union(a.profiles, b.profiles), Set.of());
                }
            }
            Set<String> known = new LinkedHashSet<>();
            for (Call c : calls) if (c.op.equals("SearchProfiles") || c.op.equals("CreateProfile")) known.addAll(c.profiles);
            for (String id : known) {
                if (scan.profiles.contains(id) || !removers(id).isEmpty()) continue;
                List<Call> refused = calls.stream().filter(c -> c.op.equals("DeleteProfile") && id.equals(c.target)
                        || c.op.equals("MergeProfiles") && c.merged.contains(id)).toList();
                violation(refused.isEmpty() ? 1 : 3, "profile " + shortId(id) + " is gone, but " + (refused.isEmpty() ? "no call removed it"
                        : "every DeleteProfile/MergeProfiles of it answered only 4xx/429: " + refused.stream()
                        .map(c -> "#" + c.id + " " + c.op + " " + c.statuses).toList()), Set.of(id), Set.of());
            }
        }

        // 5. a calculated attribute is its profile's objects
        void calculatedAttributes() {
            Map<String, Integer> records = new HashMap<>();
            for (TableScan.ObjectRow object : scan.objects) {
                if (object.profileId() != null && object.pk().contains("#O#CTR#")) records.merge(object.profileId(), 1, Integer::sum);
            }
            for (String id : scan.profiles) {
                if (unsettled.contains(id)) continue;
                var response = h.read.handleRequest(org.openprofiles.testing.CalculatedEvents.value(DOMAIN, id, RECORD_COUNT), null);
                String expected = Integer.toString(records.getOrDefault(id, 0));
                Object value = response.getStatusCode() == 200 ? Events.body(response).get("Value") : response.getStatusCode();
                if (!expected.equals(value)) {
                    violation(5, "profile " + shortId(id) + " holds " + expected + " contact record(s) but its COUNT calculated attribute answered "
                            + value, Set.of(id), Set.of());
                }
            }
            for (Call c : calls) {
                if (!c.acked() || !removal(c)) continue;
                for (String id : c.op.equals("DeleteProfile") ? List.of(c.target) : c.merged) {
                    if (scan.profiles.contains(id)) continue;
                    int status = h.read.handleRequest(org.openprofiles.testing.CalculatedEvents.value(DOMAIN, id, RECORD_COUNT), null).getStatusCode();
                    if (status != 404) violation(5, "profile " + shortId(id) + " was removed but its calculated attribute answered " + status,
                            Set.of(id), Set.of());
                }
            }
        }

        // 4. one inferred profile per new phone
        void oneProfilePerPhone() {
            for (String phone : h.customers) {
                boolean explicit = calls.stream().anyMatch(c -> phone.equals(c.phone)
                        && (c.op.equals("CreateProfile") || c.op.equals("UpdateProfile")));
                if (explicit) continue;
                Set<String> holders = scan.holders("_phone", phoneKey(phone));
                holders = holders.stream().filter(scan.profiles::contains).collect(Collectors.toSet());
                if (holders.size() > 1 && Collections.disjoint(holders, unsettled)) {
                    List<Call> puts = ops("PutProfileObject").stream().filter(c -> phone.equals(c.phone)).toList();
                    Set<String> landedOn = new HashSet<>(holders); // and where its puts landed: the profiles it went through
                    puts.forEach(c -> landedOn.addAll(c.profiles));
                    violation(4, "phone " + phone + ", only ever put, is held by " + holders.size() + " profiles " + shortIds(holders),
                            landedOn, puts.stream().map(c -> c.token).collect(Collectors.toSet()));
                }
            }
        }

        /**
         * Whether the other put of a record sent twice may have put it on {@code on}: it answered 200 and a merge could take
         * it there from where it landed, or it may have acted without saying where (a put ordered after a DeleteProfile of
         * the first one's profile starts the record again on another).
         */
        boolean placedByTwin(Call put, String on) {
            for (Call twin : twins(put)) {
                if (twin == put || !twin.mayHaveActed()) continue;
                if (!twin.acked()) return true;
                Map<String, Long> where = positions(twin, false);
                if (where == null || where.containsKey(on)) return true;
            }
            return false;
        }

        /** The puts of the same record as {@code put} (itself and, when it was sent twice, its twin). */
        List<Call> twins(Call put) {
            return ops("PutProfileObject").stream().filter(c -> c.token.equals(put.token)).toList();
        }

        Set<String> settled(Set<String> holders) {
            return holders.stream().filter(id -> !unsettled.contains(id)).collect(Collectors.toCollection(HashSet::new));
        }

        Set<String> profilesOf(TableScan.ObjectRow object) {
            return object == null || object.profileId() == null ? Set.of() : Set.of(object.profileId());
        }

        static Set<String> union(Set<String> a, Set<String> b) {
            Set<String> out = new HashSet<>(a);
            out.addAll(b);
            return out;
        }

        /** Every CTR object ListProfileObjects shows for the profile (all pages); empty for an unknown profile. */
        List<Map<String, Object>> listObjects(String profile) {
            return listed.computeIfAbsent(profile, p -> {
                List<Map<String, Object>> all = new ArrayList<>();
                String token = null;
                do {
                    Map<String, String> query = new HashMap<>(Map.of("max-results", "100"));
                    if (token != null) query.put("next-token", token);
                    APIGatewayProxyRequestEvent event = Events.listProfileObjects(DOMAIN, "CTR", p).withQueryStringParameters(query);
                    APIGatewayProxyResponseEvent response = h.read.handleRequest(event, null);
                    if (response.getStatusCode() == 404) return all;
                    Map<String, Object> body = Events.body(response);
                    all.addAll(items(response));
                    token = (String) body.get("NextToken");
                } while (token != null);
                return all;
            });
        }

        @SuppressWarnings("unchecked")
        static List<Map<String, Object>> items(APIGatewayProxyResponseEvent response) {
            if (response.getStatusCode() != 200) throw new AssertionError("read failed: " + response.getStatusCode() + " " + response.getBody());
            return (List<Map<String, Object>>) Events.body(response).get("Items");
        }
    }
}

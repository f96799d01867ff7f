package org.openprofiles.api;

import org.openprofiles.store.dynamo.DynamoProfileStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.KeyValue;
import org.openprofiles.service.AddProfileKeyService;
import org.openprofiles.service.DomainAdminService;
import org.openprofiles.service.ErasureWorker;
import org.openprofiles.service.Domains;
import org.openprofiles.service.ProfileLifecycleService;
import org.openprofiles.service.ProfileReadService;
import org.openprofiles.service.PutProfileObjectService;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.config.ConfigWrites;
import org.openprofiles.store.config.EventStreamWrites;
import org.openprofiles.store.ObjectPut;
import org.openprofiles.store.ProfileStore;
import org.openprofiles.prodlike.Rules;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.FunctionRoles;
import org.openprofiles.testing.ProductionLike;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.TestKinesis;
import org.openprofiles.service.EventStreamService;
import org.openprofiles.testing.TestDomains;

/**
 * Replays every file in events/ through the handler its route belongs to. A file's name carries
 * the status it must produce: {@code <operation>-<status>-<what it shows>.json}.
 */
class EventsReplayTest {
    static final Path EVENTS = Path.of("..", "events");
    static final Pattern EXPECTED_STATUS = Pattern.compile("^[a-z-]+?-(\\d{3})-[a-z0-9-]+\\.json$");

    static Map<String, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> routes;

    /** The profile the events name (the API reference's sample id, made valid hex). */
    static final String SEEDED_PROFILE = "3991a7d959d248bba82546b2d0c0ffee";
    /** Who the seeded data's history names, and how long it is kept. */
    static final org.openprofiles.store.ProfileStore.Audit SEEDING = new org.openprofiles.store.ProfileStore.Audit("arn:aws:iam::000000000000:user/seed", 30);
    /** The profile delete-profile-200 erases, and the one merge-profiles-200 merges into the seeded profile. */
    /** The history record get-profile-history-record-200 reads. */
    static final String SEEDED_RECORD = "5eededc0ffee00005eededc0ffee0000";
    static final String PROFILE_TO_DELETE = "3991a7d959d248bba82546b2d0c0de1e";
    static final String PROFILE_TO_MERGE = "3991a7d959d248bba82546b2d0c0a11e";

    @BeforeAll
    static void setUp() {
        routes = seededRoutes(LocalDynamo.newTable());
    }

    /**
     * Seeds {@code table} with what the events act on (the shipped domain files, a seeded profile
     * and the profiles the lifecycle events remove) and returns each route's handler over it.
     */
    static Map<String, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> seededRoutes(String table) {
        ProfileStore store = new DynamoProfileStore(LocalDynamo.client(), table, Clock.systemUTC()); // seeds what the events act on
        Domains domains = TestDomains.all();
        // Each function's handler over the production-like DynamoDB, in its own IAM role's rights (FunctionRights).
        ProductionLike.proxy(Rules.none());
        Function<String, ProfileStore> in = role -> new DynamoProfileStore(ProductionLike.clientAs(role), table, Clock.systemUTC());
        ReadProfilesHandler read = new ReadProfilesHandler(new ProfileReadService(domains, in.apply(FunctionRoles.READ_PROFILES)));
        Map<String, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> routes = new HashMap<>(Map.of(
                "PUT /domains/{DomainName}/profiles/objects",
                new PutProfileObjectHandler(new PutProfileObjectService(domains, in.apply(FunctionRoles.PUT_PROFILE_OBJECT), Clock.systemUTC())),
                "POST /domains/{DomainName}/profiles/keys",
                new AddProfileKeyHandler(new AddProfileKeyService(domains, in.apply(FunctionRoles.ADD_PROFILE_KEY))),
                "POST " + ReadProfilesHandler.SEARCH_RESOURCE, read,
                "POST " + ReadProfilesHandler.OBJECTS_RESOURCE, read,
                "POST " + ReadProfilesHandler.BATCH_GET_RESOURCE, read));
        ProfileLifecycleHandler lifecycle = new ProfileLifecycleHandler(new ProfileLifecycleService(domains, in.apply(FunctionRoles.PROFILE_LIFECYCLE)));
        for (String resource : List.of(ProfileLifecycleHandler.PROFILES_RESOURCE, ProfileLifecycleHandler.DELETE_RESOURCE,
                ProfileLifecycleHandler.DELETE_KEY_RESOURCE, ProfileLifecycleHandler.DELETE_OBJECT_RESOURCE,
                ProfileLifecycleHandler.MERGE_RESOURCE)) {
            routes.put("POST " + resource, lifecycle);
        }
        routes.put("PUT " + ProfileLifecycleHandler.PROFILES_RESOURCE, lifecycle);
        for (List<String> route : ReadProfilesHandler.CALCULATED_VALUE_ROUTES) routes.put(route.get(0) + " " + route.get(1), read);
        ProfileHistoryHandler history = new ProfileHistoryHandler(new org.openprofiles.service.ProfileHistoryService(domains,
                in.apply(FunctionRoles.PROFILE_HISTORY)));
        routes.put("POST " + ProfileHistoryHandler.LIST_RESOURCE, history);
        routes.put("GET " + ProfileHistoryHandler.GET_RESOURCE, history);
        // Administration over the same table: the shipped files applied, plus a domain and a type the delete events remove.
        DynamoDbClient administration = ProductionLike.clientAs(FunctionRoles.ADMINISTRATION);
        ConfigReads config = new ConfigReads(administration, table);
        DomainAdminService admin = new DomainAdminService(config, new ConfigWrites(administration, table), Clock.systemUTC(),
                ErasureWorker.GRACE);
        Deadline setUp = Deadline.in(Duration.ofSeconds(30));
        admin.applyFiles(DomainLoader.classpathFiles(), setUp);
        admin.createDomain("EventsDomainToDelete", "{\"DefaultExpirationDays\":30}", setUp);
        admin.putObjectType("ExampleDomainName", "EventsTypeToDelete", "{\"Description\":\"d\",\"TemplateId\":\"CTR\"}", setUp);
        AdminHandler adminHandler = new AdminHandler(admin, new EventStreamService(config, new EventStreamWrites(administration, table),
                TestKinesis.destinations(), Clock.systemUTC()));
        for (List<String> route : AdminHandler.ROUTES) routes.put(route.get(0) + " " + route.get(1), adminHandler);
        // A profile with a known id, holding a contact record from +1 206-555-0100.
        KeyValue phone = new KeyValue("_phone", "+12065550100");
        ObjectPut seeded = new ObjectPut("ExampleDomainName", "CTR", "seeded-record", "{\"contactId\":\"seeded\"}",
                List.of(phone), null, SEEDED_PROFILE, true, Map.of("PhoneNumber", "+1 206-555-0100"),
                List.of(phone, new KeyValue("_ctrContactId", "seeded")), null, null);
        store.putObject("ExampleDomainName", List.of(), "CTR", "seeded-record", null, List.of("CTR"), seen -> seeded,
                SEEDING, Deadline.in(Duration.ofSeconds(5)));
        // What the lifecycle events act on: a second record and a loyalty key on the seeded profile, two more profiles.
        KeyValue contact = new KeyValue("_ctrContactId", "events-delete");
        ObjectPut second = new ObjectPut("ExampleDomainName", "CTR", "events-record-to-delete", "{\"contactId\":\"events-delete\"}",
                List.of(contact), null, SEEDED_PROFILE, false, Map.of(), List.of(contact), null, null);
        store.putObject("ExampleDomainName", List.of(), "CTR", "events-record-to-delete", null, List.of("CTR"), seen -> second,
                SEEDING, Deadline.in(Duration.ofSeconds(5)));
        store.addKeys("ExampleDomainName", SEEDED_PROFILE, Set.of(new KeyValue("loyalty", "L-100")), SEEDING, Deadline.in(Duration.ofSeconds(5)));
        store.createProfile("ExampleDomainName", PROFILE_TO_DELETE, Map.of("FirstName", "Erase"), SEEDING, Deadline.in(Duration.ofSeconds(5)));
        store.createProfile("ExampleDomainName", PROFILE_TO_MERGE, Map.of("FirstName", "Merge", "LastName", "Me"),
                SEEDING, Deadline.in(Duration.ofSeconds(5)));
        // A history record with the id get-profile-history-record-200 names (a record's id is otherwise derived from its request).
        long at = System.currentTimeMillis() - 60_000;
        LocalDynamo.client().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS("D#ExampleDomainName#H#" + SEEDED_RECORD),
                "recordId", AttributeValue.fromS(SEEDED_RECORD), "profileId", AttributeValue.fromS(SEEDED_PROFILE),
                "actionType", AttributeValue.fromS("CREATED"), "objectTypeName", AttributeValue.fromS("_profile"),
                "createdAt", AttributeValue.fromN(Long.toString(at)), "performedBy", AttributeValue.fromS(SEEDING.performedBy()),
                "content", AttributeValue.fromS("{\"ProfileId\":\"" + SEEDED_PROFILE + "\",\"PhoneNumber\":\"+1 206-555-0100\"}"),
                "gsi1pk", AttributeValue.fromS("D#ExampleDomainName#P#" + SEEDED_PROFILE + "#H"),
                "gsi1sk", AttributeValue.fromS(org.openprofiles.store.table.StoreKeys.newestFirst(at, SEEDED_RECORD)))));
        return routes;
    }

    static Stream<Path> events() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            List<Path> json = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertFalse(json.isEmpty(), "events/ has no events");
            return json.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void eachEventGetsTheStatusItsNameExpects(Path file) throws IOException {
        Matcher name = EXPECTED_STATUS.matcher(file.getFileName().toString());
        assertEquals(true, name.matches(), "event file name must be <operation>-<status>-<what>.json: " + file);
        APIGatewayProxyRequestEvent event = Events.fromJson(Files.readString(file));
        var handler = routes.get(event.getHttpMethod() + " " + event.getResource());
        assertNotNull(handler, "no handler for the route of " + file);

        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        assertEquals(Integer.parseInt(name.group(1)), response.getStatusCode(), response.getBody());
        assertNotNull(response.getHeaders().get("x-amzn-RequestId"));
    }
}

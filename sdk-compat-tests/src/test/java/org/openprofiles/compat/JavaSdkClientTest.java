package org.openprofiles.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.services.customerprofiles.CustomerProfilesClient;
import software.amazon.awssdk.services.customerprofiles.auth.scheme.CustomerProfilesAuthSchemeProvider;
import software.amazon.awssdk.services.customerprofiles.model.ActionType;
import software.amazon.awssdk.services.customerprofiles.model.AddProfileKeyResponse;
import software.amazon.awssdk.services.customerprofiles.model.GetProfileHistoryRecordResponse;
import software.amazon.awssdk.services.customerprofiles.model.ProfileHistoryRecord;
import software.amazon.awssdk.services.customerprofiles.model.BadRequestException;
import software.amazon.awssdk.services.customerprofiles.model.BatchGetProfileError;
import software.amazon.awssdk.services.customerprofiles.model.BatchGetProfileResponse;
import software.amazon.awssdk.services.customerprofiles.model.DeleteProfileObjectResponse;
import software.amazon.awssdk.services.customerprofiles.model.Gender;
import software.amazon.awssdk.services.customerprofiles.model.MergeProfilesResponse;
import software.amazon.awssdk.services.customerprofiles.model.CreateDomainResponse;
import software.amazon.awssdk.services.customerprofiles.model.GetProfileObjectTypeResponse;
import software.amazon.awssdk.services.customerprofiles.model.ListProfileObjectTypeItem;
import software.amazon.awssdk.services.customerprofiles.model.ObjectTypeField;
import software.amazon.awssdk.services.customerprofiles.model.ObjectTypeKey;
import software.amazon.awssdk.services.customerprofiles.model.PutProfileObjectTypeResponse;
import software.amazon.awssdk.services.customerprofiles.model.CustomerProfilesException;
import software.amazon.awssdk.services.customerprofiles.model.InternalServerException;
import software.amazon.awssdk.services.customerprofiles.model.ListProfileObjectsItem;
import software.amazon.awssdk.services.customerprofiles.model.Profile;
import software.amazon.awssdk.services.customerprofiles.model.ResourceNotFoundException;
import software.amazon.awssdk.services.customerprofiles.model.ThrottlingException;

/**
 * The official AWS SDK for Java v2 client, configured only with an endpoint override, dummy
 * credentials and a region: every operation arrives as its typed result, every modelled error
 * the service can return as its typed exception with its message.
 */
class JavaSdkClientTest {
    static final String DOMAIN = "ExampleDomainName";
    static LocalApiProcess api;
    static CustomerProfilesClient client;
    /** How this class's APIs are started: from the build's classpath, or the emulator jar for {@link JavaSdkClientJarTest}. */
    static LocalApiProcess.Mode mode;

    /** One @BeforeAll for both classes (JUnit runs a superclass's static one for its subclass too): the class picks the mode. */
    @BeforeAll
    static void start(TestInfo test) throws IOException {
        mode = test.getTestClass().orElseThrow() == JavaSdkClientJarTest.class ? LocalApiProcess.Mode.JAR : LocalApiProcess.Mode.CLASSPATH;
        api = LocalApiProcess.start(mode, Map.of());
        client = client(api.endpoint);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        api.close();
    }

    static CustomerProfilesClient client(String endpoint) {
        return CustomerProfilesClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @Test
    void theWholeStoryThroughTheJavaClient() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String phone = "+1 (347) 555-0" + (100 + Math.abs(run.hashCode() % 900));
        String first = "{\"contactId\":\"java-a-" + run + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
        String key = client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object(first)).profileObjectUniqueKey();
        assertEquals(key, client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object(first)).profileObjectUniqueKey());

        Profile profile = client.searchProfiles(r -> r.domainName(DOMAIN).keyName("_phone").values(phone)).items().get(0);
        assertEquals(phone, profile.phoneNumber());
        assertEquals("_phone", profile.foundByItems().get(0).keyName());

        String contact = "java-x-" + run;
        AddProfileKeyResponse added = client.addProfileKey(r -> r.domainName(DOMAIN).profileId(profile.profileId())
                .keyName("_ctrContactId").values(contact));
        assertEquals("_ctrContactId", added.keyName());
        assertEquals(java.util.List.of(contact), added.values());

        String second = "{\"contactId\":\"" + contact + "\",\"customerEndpoint\":{\"address\":\"+1 929 555 0111\"}}";
        client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object(second));

        Set<String> objects = client.listProfileObjects(r -> r.domainName(DOMAIN).objectTypeName("CTR").profileId(profile.profileId()))
                .items().stream().map(ListProfileObjectsItem::object).collect(Collectors.toSet());
        assertEquals(Set.of(first, second), objects);
        assertEquals(profile.profileId(), client.searchProfiles(r -> r.domainName(DOMAIN).keyName("_ctrContactId").values(contact))
                .items().get(0).profileId());

        String custom = "{\"firstName\":\"Ada\",\"lastName\":\"Byron\",\"address\":{\"city\":\"London\"},"
                + "\"phoneNumbers\":[{\"number\":\"(718) 555-0" + (100 + Math.abs(run.hashCode() % 900)) + "\"}]}";
        client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("MyCustomObjectName").object(custom));
        Profile ada = client.searchProfiles(r -> r.domainName(DOMAIN).keyName("_fullName").values("ada byron")).items().get(0);
        assertEquals("Ada", ada.firstName());
        assertEquals("London", ada.address().city());
    }

    /** Issue 26: the profile's history, newest first, and ListProfileObjects' most recent object first. */
    @Test
    void theProfileHistoryThroughTheJavaClient() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String phone = "+1 (646) 555-0" + (100 + Math.abs(run.hashCode() % 900));
        for (int n = 0; n < 3; n++) {
            String record = "{\"contactId\":\"java-history-" + run + "-" + n + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
            client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object(record));
        }
        String profileId = client.searchProfiles(r -> r.domainName(DOMAIN).keyName("_phone").values(phone)).items().get(0).profileId();
        List<ListProfileObjectsItem> objects = client.listProfileObjects(r -> r.domainName(DOMAIN).objectTypeName("CTR").profileId(profileId))
                .items();
        assertTrue(objects.get(0).object().contains("java-history-" + run + "-2"), "the most recent record first: " + objects);
        client.addProfileKey(r -> r.domainName(DOMAIN).profileId(profileId).keyName("loyalty").values("J-" + run));

        List<ProfileHistoryRecord> records = client.listProfileHistoryRecords(r -> r.domainName(DOMAIN).profileId(profileId))
                .profileHistoryRecords();
        assertEquals(ActionType.ADDED_PROFILE_KEY, records.get(0).actionType());
        assertEquals(5, records.size(), records.toString());
        assertEquals("arn:aws:iam::000000000000:user/local", records.get(0).performedBy());
        assertTrue(records.get(0).createdAt().isAfter(Instant.now().minusSeconds(300)), records.get(0).toString());
        List<ProfileHistoryRecord> ingested = client.listProfileHistoryRecords(r -> r.domainName(DOMAIN).profileId(profileId)
                .actionType(ActionType.INGESTED).objectTypeName("CTR")).profileHistoryRecords();
        assertEquals(objects.stream().map(ListProfileObjectsItem::profileObjectUniqueKey).collect(Collectors.toSet()),
                ingested.stream().map(ProfileHistoryRecord::profileObjectUniqueKey).collect(Collectors.toSet()));

        GetProfileHistoryRecordResponse key = client.getProfileHistoryRecord(r -> r.domainName(DOMAIN).profileId(profileId)
                .id(records.get(0).id()));
        assertEquals("{\"KeyName\":\"loyalty\",\"Values\":[\"J-" + run + "\"]}", key.content());
        assertEquals("_profile", key.objectTypeName());
        assertThrows(ResourceNotFoundException.class, () -> client.getProfileHistoryRecord(r -> r.domainName(DOMAIN).profileId(profileId)
                .id("0123456789abcdef0123456789abcdef")));
        assertThrows(BadRequestException.class, () -> client.listProfileHistoryRecords(r -> r.domainName(DOMAIN).profileId("nope")));
    }

    @Test
    void theAdministrationStoryThroughTheJavaClient() {
        String domain = "JavaAdmin" + UUID.randomUUID().toString().substring(0, 8);
        CreateDomainResponse created = client.createDomain(r -> r.domainName(domain).defaultExpirationDays(30).tags(Map.of("team", "crm")));
        assertEquals(30, created.defaultExpirationDays());
        assertTrue(Math.abs(created.createdAt().getEpochSecond() - Instant.now().getEpochSecond()) < 300, "epoch seconds");
        assertEquals(Map.of("team", "crm"), client.getDomain(r -> r.domainName(domain)).tags());
        assertEquals(90, client.updateDomain(r -> r.domainName(domain).defaultExpirationDays(90)).defaultExpirationDays());
        assertTrue(client.listDomains(r -> r.maxResults(100)).items().stream().anyMatch(d -> d.domainName().equals(domain)));
        assertMessage(assertThrows(BadRequestException.class,
                () -> client.createDomain(r -> r.domainName(domain).defaultExpirationDays(30))), "already exists");

        Map<String, ObjectTypeField> fields = Map.of(
                "id", ObjectTypeField.builder().source("_source.id").build(),
                "email", ObjectTypeField.builder().source("_source.email").target("_profile.EmailAddress").contentType("EMAIL_ADDRESS").build());
        Map<String, java.util.List<ObjectTypeKey>> keys = Map.of(
                "memberId", java.util.List.of(ObjectTypeKey.builder().standardIdentifiersWithStrings("UNIQUE").fieldNames("id").build()),
                "_email", java.util.List.of(ObjectTypeKey.builder().standardIdentifiersWithStrings("PROFILE").fieldNames("email").build()));
        PutProfileObjectTypeResponse put = client.putProfileObjectType(r -> r.domainName(domain).objectTypeName("Member")
                .description("members").allowProfileCreation(true).fields(fields).keys(keys));
        GetProfileObjectTypeResponse got = client.getProfileObjectType(r -> r.domainName(domain).objectTypeName("Member"));
        assertEquals(fields, got.fields());
        assertEquals(keys, got.keys());
        assertEquals(put.createdAt(), got.createdAt());
        assertEquals(java.util.List.of("Member"), client.listProfileObjectTypes(r -> r.domainName(domain)).items().stream()
                .map(ListProfileObjectTypeItem::objectTypeName).toList());
        assertMessage(assertThrows(BadRequestException.class, () -> client.putProfileObjectType(r -> r.domainName(domain)
                .objectTypeName("Capped").description("d").maxProfileObjectCount(5).fields(fields).keys(keys))), "MaxProfileObjectCount");
        assertEquals(3, client.listProfileObjectTypeTemplates(r -> { }).items().size());
        assertEquals(false, client.getProfileObjectTypeTemplate(r -> r.templateId("CTR-AutoAssociateOnly")).allowProfileCreation());

        client.putProfileObject(r -> r.domainName(domain).objectTypeName("Member").object("{\"id\":\"m-1\",\"email\":\"m@example.com\"}"));
        assertEquals("m@example.com", client.searchProfiles(r -> r.domainName(domain).keyName("_email").values("M@example.com"))
                .items().get(0).emailAddress());

        assertNotNull(client.deleteProfileObjectType(r -> r.domainName(domain).objectTypeName("Member")).message());
        assertMessage(assertThrows(ResourceNotFoundException.class,
                () -> client.putProfileObject(r -> r.domainName(domain).objectTypeName("Member").object("{\"id\":\"m-2\"}"))), "Member");
        assertNotNull(client.deleteDomain(r -> r.domainName(domain)).message());
        assertMessage(assertThrows(ResourceNotFoundException.class, () -> client.getDomain(r -> r.domainName(domain))), domain);
    }

    /** The profile lifecycle: every operation's typed result, and its 404 and 400 as typed exceptions. */
    @Test
    void theProfileLifecycleThroughTheJavaClient() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String digits = String.valueOf(1000 + Math.abs(run.hashCode() % 9000));
        String phone = "+1 (646) 555-" + digits;
        String ana = client.createProfile(r -> r.domainName(DOMAIN).firstName("Ana").lastName("Lima").phoneNumber(phone)
                .gender(Gender.FEMALE).address(a -> a.city("Seattle")).attributes(Map.of("tier", "gold", "color", "blue"))).profileId();
        assertEquals(32, ana.length());
        assertEquals(ana, client.updateProfile(r -> r.domainName(DOMAIN).profileId(ana).middleName("M")
                .address(a -> a.state("WA")).attributes(Map.of("color", ""))).profileId());

        String unknown = "0".repeat(31) + "2";
        BatchGetProfileResponse batch = client.batchGetProfile(r -> r.domainName(DOMAIN).profileIds(ana, unknown));
        Profile got = batch.profiles().get(0);
        assertEquals(List.of(ana), batch.profiles().stream().map(Profile::profileId).toList());
        assertEquals(List.of("Ana", "M", "Lima", phone), List.of(got.firstName(), got.middleName(), got.lastName(), got.phoneNumber()));
        assertEquals(Gender.FEMALE, got.gender());
        assertEquals(List.of("Seattle", "WA"), List.of(got.address().city(), got.address().state()));
        assertEquals(Map.of("tier", "gold"), got.attributes());
        BatchGetProfileError missing = batch.errors().get(0);
        assertEquals(List.of("ResourceNotFoundException", unknown), List.of(missing.code(), missing.profileId()));
        assertTrue(missing.message().contains(unknown), missing.message());

        client.addProfileKey(r -> r.domainName(DOMAIN).profileId(ana).keyName("loyalty").values("J-" + run));
        assertNotNull(client.deleteProfileKey(r -> r.domainName(DOMAIN).profileId(ana).keyName("loyalty").values("J-" + run)).message());
        assertTrue(client.searchProfiles(r -> r.domainName(DOMAIN).keyName("loyalty").values("J-" + run)).items().isEmpty());

        String record = "{\"contactId\":\"java-lc-" + run + "\",\"customerEndpoint\":{\"address\":\"" + phone + "\"}}";
        String key = client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object(record)).profileObjectUniqueKey();
        assertEquals(ana, client.searchProfiles(r -> r.domainName(DOMAIN).keyName("_ctrContactId").values("java-lc-" + run))
                .items().get(0).profileId());
        DeleteProfileObjectResponse deletedObject = client.deleteProfileObject(r -> r.domainName(DOMAIN).profileId(ana)
                .objectTypeName("CTR").profileObjectUniqueKey(key));
        assertNotNull(deletedObject.message());
        assertTrue(client.listProfileObjects(r -> r.domainName(DOMAIN).objectTypeName("CTR").profileId(ana)).items().isEmpty());

        String bea = client.createProfile(r -> r.domainName(DOMAIN).firstName("Bea").emailAddress("bea." + run + "@example.com")).profileId();
        MergeProfilesResponse merged = client.mergeProfiles(r -> r.domainName(DOMAIN).mainProfileId(ana).profileIdsToBeMerged(bea)
                .fieldSourceProfileIds(f -> f.firstName(bea)));
        assertNotNull(merged.message());
        Profile main = client.batchGetProfile(r -> r.domainName(DOMAIN).profileIds(ana)).profiles().get(0);
        assertEquals(List.of("Bea", "bea." + run + "@example.com"), List.of(main.firstName(), main.emailAddress()));
        assertEquals(List.of(bea), client.batchGetProfile(r -> r.domainName(DOMAIN).profileIds(bea)).errors().stream()
                .map(BatchGetProfileError::profileId).toList());

        assertNotNull(client.deleteProfile(r -> r.domainName(DOMAIN).profileId(ana)).message());
        assertTrue(client.searchProfiles(r -> r.domainName(DOMAIN).keyName("_phone").values(phone)).items().isEmpty());
        assertMessage(assertThrows(ResourceNotFoundException.class, () -> client.deleteProfile(r -> r.domainName(DOMAIN).profileId(ana))), ana);
        assertMessage(assertThrows(ResourceNotFoundException.class,
                () -> client.updateProfile(r -> r.domainName(DOMAIN).profileId(unknown).firstName("X"))), unknown);
        assertMessage(assertThrows(ResourceNotFoundException.class, () -> client.mergeProfiles(r -> r.domainName(DOMAIN)
                .mainProfileId(unknown).profileIdsToBeMerged(bea))), unknown);
        assertMessage(assertThrows(ResourceNotFoundException.class,
                () -> client.deleteProfileKey(r -> r.domainName(DOMAIN).profileId(unknown).keyName("loyalty").values("v"))), unknown);
        assertMessage(assertThrows(ResourceNotFoundException.class, () -> client.deleteProfileObject(r -> r.domainName(DOMAIN)
                .profileId(unknown).objectTypeName("CTR").profileObjectUniqueKey("k"))), unknown);
        assertMessage(assertThrows(BadRequestException.class,
                () -> client.createProfile(r -> r.domainName(DOMAIN).firstName("x".repeat(256)))), "FirstName");
        assertMessage(assertThrows(BadRequestException.class,
                () -> client.batchGetProfile(r -> r.domainName(DOMAIN).profileIds("nope"))), "ProfileIds");
        assertMessage(assertThrows(BadRequestException.class, () -> client.mergeProfiles(r -> r.domainName(DOMAIN)
                .mainProfileId(unknown).profileIdsToBeMerged(unknown))), "ProfileIdsToBeMerged");
    }

    static void assertMessage(CustomerProfilesException e, String mentions) {
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
        assertNotNull(e.requestId());
    }

    @Test
    void badInputArrivesAsTypedExceptions() {
        assertMessage(assertThrows(BadRequestException.class,
                () -> client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("1abc").object("{}"))), "ObjectTypeName");
        assertMessage(assertThrows(BadRequestException.class,
                () -> client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object("{not json"))), "Object");
        assertMessage(assertThrows(ResourceNotFoundException.class,
                () -> client.putProfileObject(r -> r.domainName("NoSuchDomain").objectTypeName("CTR").object("{}"))), "NoSuchDomain");
        assertMessage(assertThrows(ResourceNotFoundException.class,
                () -> client.putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("NoSuchType").object("{}"))), "NoSuchType");
        assertMessage(assertThrows(BadRequestException.class,
                () -> client.addProfileKey(r -> r.domainName(DOMAIN).profileId("nope").keyName("_phone").values("1"))), "ProfileId");
        assertMessage(assertThrows(ResourceNotFoundException.class,
                () -> client.addProfileKey(r -> r.domainName(DOMAIN).profileId("0".repeat(32)).keyName("_phone").values("+1 206 555 0100"))), "Profile");
        assertMessage(assertThrows(BadRequestException.class,
                () -> client.searchProfiles(r -> r.domainName(DOMAIN).keyName("_phone").values("1").nextToken("forged"))), "next-token");
        assertMessage(assertThrows(BadRequestException.class,
                () -> client.listProfileObjects(r -> r.domainName(DOMAIN).objectTypeName("CTR").profileId("xyz"))), "ProfileId");
        assertEquals(400, assertThrows(BadRequestException.class,
                () -> client.addProfileKey(r -> r.domainName(DOMAIN).profileId("0".repeat(32)).keyName("_phone"))).statusCode());
    }

    /** The README's recipe for the deployed API: the stage path in the endpoint, requests signed for execute-api. */
    @Test
    void theClientCanSignForApiGateway() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        recorder.createContext("/", exchange -> {
            seen.add(exchange.getRequestHeaders().getFirst("Authorization") + " " + exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"ProfileObjectUniqueKey\":\"k\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        recorder.start();
        try {
            CustomerProfilesAuthSchemeProvider defaults = CustomerProfilesAuthSchemeProvider.defaultProvider();
            CustomerProfilesClient apiGateway = CustomerProfilesClient.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + recorder.getAddress().getPort() + "/prod"))
                    .region(Region.EU_WEST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .authSchemeProvider(params -> defaults.resolveAuthScheme(params).stream()
                            .map(option -> option.toBuilder().putSignerProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api").build())
                            .toList())
                    .build();
            assertEquals("k", apiGateway.putProfileObject(r -> r.domainName("d").objectTypeName("CTR").object("{}")).profileObjectUniqueKey());
            assertEquals(1, seen.size());
            assertTrue(seen.get(0).contains("/eu-west-1/execute-api/aws4_request"), seen.get(0));
            assertTrue(seen.get(0).endsWith(" /prod/domains/d/profiles/objects"), seen.get(0));
        } finally {
            recorder.stop(0);
        }
    }

    /**
     * A stand-in DynamoDB: answers the local API's start-up (the table, then the shipped domain
     * file applied: a read, a transaction and a read per object type, all answered as on an empty
     * table), then throttles or fails every request-path call.
     */
    static HttpServer failingDynamo(String errorType, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // ExampleDomainName.json: one CreateDomain transaction and one per object type (two).
        java.util.concurrent.atomic.AtomicInteger startUpTransactions = new java.util.concurrent.atomic.AtomicInteger(3);
        server.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            exchange.getRequestBody().readAllBytes();
            String answer = null;
            if (startUpTransactions.get() > 0) {
                if (target.endsWith(".CreateTable")) {
                    // The table and its change stream, which the local API's exporter then reads (and finds failing too).
                    answer = "{\"TableDescription\":{\"TableName\":\"openprofiles\","
                            + "\"LatestStreamArn\":\"arn:aws:dynamodb:us-east-1:000000000000:table/openprofiles/stream/2026-01-01T00:00:00.000\"}}";
                } else if (target.endsWith(".BatchGetItem")) {
                    answer = "{\"Responses\":{\"openprofiles\":[]},\"UnprocessedKeys\":{}}";
                } else if (target.endsWith(".TransactWriteItems")) {
                    startUpTransactions.decrementAndGet();
                    answer = "{}";
                }
            }
            byte[] body = (answer != null ? answer : "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + errorType
                    + "\",\"message\":\"injected\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(answer != null ? 200 : status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void throttlingAndServerFaultsArriveAsTypedExceptions() throws Exception {
        HttpServer throttling = failingDynamo("ProvisionedThroughputExceededException", 400);
        try (LocalApiProcess throttled = LocalApiProcess.start(mode, Map.of("AWS_ENDPOINT_URL_DYNAMODB",
                "http://127.0.0.1:" + throttling.getAddress().getPort()))) {
            ThrottlingException e = assertThrows(ThrottlingException.class, () -> client(throttled.endpoint)
                    .putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object("{\"contactId\":\"t-1\"}")));
            assertEquals(429, e.statusCode());
            assertMessage(e, "Rate exceeded");
        } finally {
            throttling.stop(0);
        }
        HttpServer broken = failingDynamo("InternalServerError", 500);
        try (LocalApiProcess failing = LocalApiProcess.start(mode, Map.of("AWS_ENDPOINT_URL_DYNAMODB",
                "http://127.0.0.1:" + broken.getAddress().getPort()))) {
            InternalServerException e = assertThrows(InternalServerException.class, () -> client(failing.endpoint)
                    .putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object("{\"contactId\":\"f-1\"}")));
            assertEquals(500, e.statusCode());
            assertMessage(e, "internal error");
        } finally {
            broken.stop(0);
        }
    }

    /** Creates a stream in the API's kinesalite (Kinesis's JSON protocol; this module's SDK has no Kinesis client) and returns its ARN. */
    static String kinesisStream(String name) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String target : List.of("CreateStream", "DescribeStreamSummary")) {
            String body = target.equals("CreateStream") ? "{\"StreamName\":\"" + name + "\",\"ShardCount\":1}" : "{\"StreamName\":\"" + name + "\"}";
            java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(URI.create(api.kinesisEndpoint))
                    .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "Kinesis_20131202." + target)
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0")
                    .header("X-Amz-Date", "20260101T000000Z")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            if (target.equals("DescribeStreamSummary")) {
                java.util.regex.Matcher arn = java.util.regex.Pattern.compile("\"StreamARN\":\"([^\"]+)\"").matcher(response.body());
                assertTrue(arn.find(), response.body());
                return arn.group(1);
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Issue 17: the four event stream operations, their typed results and errors. */
    @Test
    void eventStreamsThroughTheJavaClient() throws Exception {
        String domain = "JavaEventStreams" + UUID.randomUUID().toString().substring(0, 8);
        client.createDomain(r -> r.domainName(domain).defaultExpirationDays(30));
        String stream = kinesisStream("java-" + domain);
        var created = client.createEventStream(r -> r.domainName(domain).eventStreamName("crm").uri(stream).tags(Map.of("team", "crm")));
        assertTrue(created.eventStreamArn().endsWith(":domains/" + domain + "/event-streams/crm"), created.eventStreamArn());
        assertEquals(Map.of("team", "crm"), created.tags());
        var got = client.getEventStream(r -> r.domainName(domain).eventStreamName("crm"));
        assertEquals(domain, got.domainName());
        assertEquals(created.eventStreamArn(), got.eventStreamArn());
        assertEquals("RUNNING", got.stateAsString());
        assertEquals(stream, got.destinationDetails().uri());
        assertEquals("HEALTHY", got.destinationDetails().statusAsString());
        assertTrue(Math.abs(got.createdAt().getEpochSecond() - Instant.now().getEpochSecond()) < 600, "epoch seconds: " + got.createdAt());
        var listed = client.listEventStreams(r -> r.domainName(domain)).items();
        assertEquals(List.of("crm"), listed.stream().map(i -> i.eventStreamName()).toList());
        assertEquals(stream, listed.get(0).destinationSummary().uri());
        BadRequestException one = assertThrows(BadRequestException.class,
                () -> client.createEventStream(r -> r.domainName(domain).eventStreamName("lake").uri(stream)));
        assertTrue(one.getMessage().contains("at most one"), one.getMessage());
        String missing = stream.substring(0, stream.lastIndexOf('/') + 1) + "no-such-stream";
        client.deleteEventStream(r -> r.domainName(domain).eventStreamName("crm"));
        BadRequestException absent = assertThrows(BadRequestException.class,
                () -> client.createEventStream(r -> r.domainName(domain).eventStreamName("lake").uri(missing)));
        assertTrue(absent.getMessage().contains(missing + "' does not exist"), absent.getMessage());
        assertThrows(ResourceNotFoundException.class, () -> client.getEventStream(r -> r.domainName(domain).eventStreamName("crm")));
        assertThrows(ResourceNotFoundException.class, () -> client.deleteEventStream(r -> r.domainName(domain).eventStreamName("crm")));
        assertEquals(List.of(), client.listEventStreams(r -> r.domainName(domain)).items());
    }
}

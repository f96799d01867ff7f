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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.services.customerprofiles.CustomerProfilesClient;
import software.amazon.awssdk.services.customerprofiles.auth.scheme.CustomerProfilesAuthSchemeProvider;
import software.amazon.awssdk.services.customerprofiles.model.AddProfileKeyResponse;
import software.amazon.awssdk.services.customerprofiles.model.BadRequestException;
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

    @BeforeAll
    static void start() throws IOException {
        api = LocalApiProcess.start(Map.of());
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
                    answer = "{}";
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
        try (LocalApiProcess throttled = LocalApiProcess.start(Map.of("AWS_ENDPOINT_URL_DYNAMODB",
                "http://127.0.0.1:" + throttling.getAddress().getPort()))) {
            ThrottlingException e = assertThrows(ThrottlingException.class, () -> client(throttled.endpoint)
                    .putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object("{\"contactId\":\"t-1\"}")));
            assertEquals(429, e.statusCode());
            assertMessage(e, "Rate exceeded");
        } finally {
            throttling.stop(0);
        }
        HttpServer broken = failingDynamo("InternalServerError", 500);
        try (LocalApiProcess failing = LocalApiProcess.start(Map.of("AWS_ENDPOINT_URL_DYNAMODB",
                "http://127.0.0.1:" + broken.getAddress().getPort()))) {
            InternalServerException e = assertThrows(InternalServerException.class, () -> client(failing.endpoint)
                    .putProfileObject(r -> r.domainName(DOMAIN).objectTypeName("CTR").object("{\"contactId\":\"f-1\"}")));
            assertEquals(500, e.statusCode());
            assertMessage(e, "internal error");
        } finally {
            broken.stop(0);
        }
    }
}

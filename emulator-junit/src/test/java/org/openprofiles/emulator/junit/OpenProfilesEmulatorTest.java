package org.openprofiles.emulator.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.customerprofiles.CustomerProfilesClient;
import software.amazon.awssdk.services.customerprofiles.model.ResourceNotFoundException;
import software.amazon.awssdk.services.customerprofiles.model.SearchProfilesResponse;

/** A test class as a user writes one: the extension on a static field, the official client, reset between tests. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenProfilesEmulatorTest {
    @RegisterExtension
    static OpenProfilesEmulator emulator = new OpenProfilesEmulator();

    static final String CALL = "{\"contactId\":\"c-1\",\"customerEndpoint\":{\"address\":\"+1 206-555-0100\",\"type\":\"TELEPHONE_NUMBER\"}}";

    static SearchProfilesResponse byPhone(CustomerProfilesClient client) {
        return client.searchProfiles(r -> r.domainName("ExampleDomainName").keyName("_phone").values("+12065550100"));
    }

    @Test
    @Order(1)
    void aContactRecordPutThroughTheOfficialClientIsOnItsCallersProfile() {
        emulator.client().putProfileObject(r -> r.domainName("ExampleDomainName").objectTypeName("CTR").object(CALL));
        assertEquals(1, byPhone(emulator.client()).items().size());
        emulator.client().createDomain(r -> r.domainName("Scratch").defaultExpirationDays(30));
    }

    @Test
    @Order(2)
    void resetDropsEverythingCreatedAndKeepsTheSeededDomain() throws Exception {
        assertEquals(1, byPhone(emulator.client()).items().size(), "the first test's profile is still there");
        emulator.reset();
        assertEquals(0, byPhone(emulator.client()).items().size());
        assertThrows(ResourceNotFoundException.class, () -> emulator.client().getDomain(r -> r.domainName("Scratch")));
        assertEquals("ExampleDomainName", emulator.client().getDomain(r -> r.domainName("ExampleDomainName")).domainName());
    }

    /** A nested class shares its outer class's emulator; parameters give the endpoint and the client. */
    @Nested
    class WithExtendWith {
        @Test
        void parametersGiveTheEndpointAndTheClient(URI endpoint, CustomerProfilesClient client) {
            assertEquals("127.0.0.1", endpoint.getHost());
            assertEquals(0, byPhone(client).items().size());
        }
    }
}

@ExtendWith(OpenProfilesEmulator.class)
class ExtendWithTest {
    @Test
    void anotherClassGetsItsOwnEmptyEmulator(URI endpoint, CustomerProfilesClient client, OpenProfilesEmulator emulator) throws Exception {
        assertEquals(endpoint, emulator.endpoint());
        assertEquals(0, OpenProfilesEmulatorTest.byPhone(client).items().size());
        client.putProfileObject(r -> r.domainName("ExampleDomainName").objectTypeName("CTR").object(OpenProfilesEmulatorTest.CALL));
        assertEquals(1, OpenProfilesEmulatorTest.byPhone(client).items().size());
    }
}

class WithDomainFilesTest {
    static Path domains;

    @RegisterExtension
    static OpenProfilesEmulator emulator = new OpenProfilesEmulator().withOptions("--domains", domainFiles().toString());

    static Path domainFiles() {
        try {
            domains = Files.createTempDirectory("domains");
            Files.writeString(domains.resolve("Shop.json"), "{\"DomainName\": \"Shop\", \"DefaultExpirationDays\": 90, \"ObjectTypes\": {}}");
            return domains;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theUsersDomainFilesAreThere() {
        assertEquals(90, emulator.client().getDomain(r -> r.domainName("Shop")).defaultExpirationDays());
    }
}

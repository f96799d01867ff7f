package org.openprofiles.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.model.Domain;
import org.openprofiles.service.Domains;

/** The shipped domains plus TestDomain (src/test/resources/domains-test), which tests need for ambiguous keys. */
public final class TestDomains {
    private TestDomains() {}

    public static Domains all() {
        Map<String, Domain> domains = new HashMap<>(DomainLoader.loadFromClasspath());
        try (InputStream in = TestDomains.class.getResourceAsStream("/domains-test/TestDomain.json")) {
            Domain test = DomainLoader.parse("TestDomain.json", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            domains.put(test.name(), test);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Domains.fixed(domains);
    }
}

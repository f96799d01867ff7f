package org.openprofiles.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What the functions' jar holds: the handlers and configuration, and nothing that only runs locally. */
class LambdaJarTest {
    @Test
    void theJarShipsTheServiceAndNothingLocal() throws Exception {
        Path jar = OpenProfiles.lambdaJar();
        // 12 MB until event streams: the SDK's Kinesis client (DescribeStreamSummary, PutRecords) adds 1.7 MB.
        assertTrue(Files.size(jar) <= 14L * 1024 * 1024, "at most 14 MB: " + Files.size(jar));
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> entries = file.stream().map(e -> e.getName()).toList();
            for (String needed : List.of("org/openprofiles/api/PutProfileObjectHandler.class", "domains/ExampleDomainName.json",
                    "templates/CTR.json", "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class")) {
                assertTrue(entries.contains(needed), "missing " + needed);
            }
            for (String banned : List.of("com/amazonaws/services/dynamodbv2/local/", "org/openprofiles/local/",
                    "org/openprofiles/prodlike/", "software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/nio/netty/", "io/netty/",
                    "org/apache/http/")) {
                assertTrue(entries.stream().noneMatch(e -> e.startsWith(banned)), "must not ship " + banned);
            }
        }
    }
}

package org.openprofiles.compat;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link JavaSdkClientTest}, against the emulator jar as users run it ({@code java -jar}, DynamoDB Local
 * from the Maven repository): the same answers as the local API from the build.
 */
class JavaSdkClientJarTest extends JavaSdkClientTest {
    /** Hides the superclass's: this class's APIs are the jar's. */
    @BeforeAll
    static void start() throws IOException {
        start(LocalApiProcess.Mode.JAR);
    }
}

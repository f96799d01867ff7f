package org.openprofiles.compat;

/**
 * Every test of {@link JavaSdkClientTest}, against the emulator jar as users run it ({@code java -jar}, DynamoDB Local
 * from the Maven repository): the same answers as the local API from the build. The superclass's @BeforeAll starts
 * the jar for this class.
 */
class JavaSdkClientJarTest extends JavaSdkClientTest {
}

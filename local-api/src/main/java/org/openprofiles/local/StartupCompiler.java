package org.openprofiles.local;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Holds HotSpot's optimising compiler (C2) back while the emulator starts, through the JVM's own diagnostic command
 * (what {@code jcmd <pid> Compiler.directives_add} runs), so {@code java -jar} needs no flag. On two busy cores, C2's
 * compiler threads compiling start-up code that runs only a few times took the cores from the start itself: measured,
 * the median start fell by about a second. The directive is removed once the emulator serves; methods that were hot
 * during the start stay with the quick compiler's (C1) code, later ones get C2 as usual. On a JVM without the command
 * (not HotSpot) nothing is held back and the start is as before.
 */
final class StartupCompiler implements AutoCloseable {
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
    /** Compiler directives (JSON5): no method is compiled by C2 while this directive is on the directive stack. */
    static final String NO_C2 = "[{ match: \"*.*\", c2: { Exclude: true } }]";
    /** How the command answers when it took the directive ("1 compiler directives added"). */
    private static final String ADDED = "compiler directives added";

    private final MBeanServer server;

    private StartupCompiler(MBeanServer server) {
        this.server = server;
    }

    /** Adds the directive; a no-op holder when this JVM has no such command (nothing is held back then). */
    static StartupCompiler holdBackC2() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Path directive = Files.createTempFile("openprofiles-start", ".json");
            Object answer;
            try {
                Files.writeString(directive, NO_C2, StandardCharsets.UTF_8);
                answer = invoke(server, "compilerDirectivesAdd", directive.toString());
            } finally {
                Files.deleteIfExists(directive); // the command reads the file when it runs
            }
            // A refusal (e.g. the JVM's directive stack is full) is an answer, not an exception: then nothing is held
            // back, and close must not remove a directive someone else added.
            return new StartupCompiler(String.valueOf(answer).contains(ADDED) ? server : null);
        } catch (Exception | LinkageError unavailable) {
            return new StartupCompiler(null);
        }
    }

    /** Removes the directive: from now on C2 compiles as it always does. */
    @Override
    public void close() {
        if (server == null) return;
        try {
            invoke(server, "compilerDirectivesRemove");
        } catch (JMException e) {
            System.err.println("could not restore the JIT compiler's directives: " + e);
        }
    }

    private static Object invoke(MBeanServer server, String operation, String... arguments) throws JMException {
        return server.invoke(new ObjectName(DIAGNOSTIC_COMMAND), operation, new Object[] {arguments}, new String[] {String[].class.getName()});
    }
}

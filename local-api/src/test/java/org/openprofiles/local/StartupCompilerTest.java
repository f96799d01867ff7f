package org.openprofiles.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link StartupCompiler} does to this JVM's JIT, read back from HotSpot's own directive stack (what
 * {@code jcmd <pid> Compiler.directives_print} prints): while held, the directive on top excludes every method from C2
 * (and leaves C1 to the default directive); closed, the stack is as it was; refused by the JVM, it removes nothing.
 */
class StartupCompilerTest {
    @TempDir
    Path temp;

    @Test
    void holdsC2BackForEveryMethodUntilClosed() throws Exception {
        String before = command("compilerDirectivesPrint");
        try (StartupCompiler held = StartupCompiler.holdBackC2()) {
            String during = command("compilerDirectivesPrint");
            String top = during.substring(0, during.indexOf("Directive:", during.indexOf("Directive:") + 1));
            assertTrue(top.contains("matching: *.*"), during);
            String c1 = top.substring(top.indexOf("c1 directives:"), top.indexOf("c2 directives:"));
            String c2 = top.substring(top.indexOf("c2 directives:"));
            assertTrue(c2.contains("Enable:true Exclude:true"), "C2 compiles no method: " + top);
            assertTrue(c1.contains("Enable:false"), "C1 is left to the default directive: " + top);
            assertEquals(before.strip(), during.substring(top.length()).strip(), "the directives below are untouched");
        }
        assertEquals(before, command("compilerDirectivesPrint"), "closed: the directive stack is as before");
    }

    /** The JVM refuses the directive when its stack is full (CompilerDirectivesLimit): nothing is held, and close removes nothing. */
    @Test
    void aRefusedDirectiveHoldsNothingAndRemovesNobodysDirective() throws Exception {
        Path mine = Files.writeString(temp.resolve("mine.json"), "[{ match: \"org/openprofiles/Nothing.*\", c1: { Exclude: true } }]",
                StandardCharsets.UTF_8);
        int added = 0;
        try {
            while (command("compilerDirectivesAdd", mine.toString()).contains("compiler directives added")) added++;
            assertTrue(added > 0, "the test could add directives");
            String full = command("compilerDirectivesPrint");
            try (StartupCompiler refused = StartupCompiler.holdBackC2()) {
                assertEquals(full, command("compilerDirectivesPrint"));
            }
            assertEquals(full, command("compilerDirectivesPrint"), "close removed a directive it had not added");
        } finally {
            for (int i = 0; i < added; i++) command("compilerDirectivesRemove");
        }
    }

    /** A diagnostic command of this JVM, as jcmd runs it; its output. */
    static String command(String operation, String... arguments) throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                operation, new Object[] {arguments}, new String[] {String[].class.getName()}));
    }
}

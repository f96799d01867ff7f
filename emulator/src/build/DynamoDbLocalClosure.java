import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Build step (run by emulator/pom.xml with {@code java <this file>}): the jars DynamoDB Local needs beyond the emulator
 * jar, i.e. the test classpath (which has DynamoDB Local) minus the runtime classpath (what the jar bundles), written
 * as "repository path, SHA-1, size" lines for the emulator to find in a Maven repository or fetch from Maven Central.
 * Arguments: local repository, test classpath file, runtime classpath file, output file.
 */
public class DynamoDbLocalClosure {
    public static void main(String[] args) throws Exception {
        Path repository = Path.of(args[0]).toAbsolutePath().normalize();
        Set<String> bundled = new LinkedHashSet<>(entries(Path.of(args[2])));
        List<String> lines = new ArrayList<>();
        lines.add("# DynamoDB Local and the jars it needs beyond this jar: path in a Maven repository, SHA-1, size (written by the build)");
        boolean dynamoDbLocal = false;
        for (String entry : entries(Path.of(args[1]))) {
            if (bundled.contains(entry) || !entry.endsWith(".jar")) continue;
            Path jar = Path.of(entry).toAbsolutePath().normalize();
            if (!jar.startsWith(repository)) continue; // the test classes of this build: not DynamoDB Local's
            String path = repository.relativize(jar).toString().replace('\\', '/');
            if (path.startsWith("org/junit/") || path.startsWith("org/opentest4j/") || path.startsWith("org/apiguardian/")) continue;
            dynamoDbLocal |= path.startsWith("com/amazonaws/DynamoDBLocal/");
            lines.add(path + " " + sha1(jar) + " " + Files.size(jar));
        }
        if (!dynamoDbLocal) throw new IllegalStateException("DynamoDB Local is not on the test classpath " + args[1]);
        Path out = Path.of(args[3]);
        Files.createDirectories(out.getParent());
        Files.write(out, lines, StandardCharsets.UTF_8);
    }

    private static List<String> entries(Path classpathFile) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : Files.readString(classpathFile).strip().split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
        }
        return entries;
    }

    private static String sha1(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-1");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

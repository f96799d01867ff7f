package org.openprofiles.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The jars of DynamoDB Local 2.6.1 and of what it needs beyond the emulator jar, found where the user's own tools put
 * them: the local Maven repository first, then this emulator's cache, else fetched once from Maven Central into that
 * cache (a line per jar, each checked against the SHA-1 the build recorded and against Central's own {@code .sha1}).
 * The list comes from the build ({@value #CLOSURE_RESOURCE}: repository path, SHA-1, size per jar), so no Maven is
 * needed at run time. A file in the Maven repository is taken when its size matches (Maven checked its checksum when
 * it downloaded it); a file in the cache was checked before it was moved there.
 */
final class DynamoDbLocalLibrary {
    static final String CLOSURE_RESOURCE = "/openprofiles-emulator/dynamodb-local.closure";
    private static final int ATTEMPTS = 3;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(5);

    /** One jar: its path in a Maven repository (group/artifact/version/file), SHA-1 and size in bytes. */
    record Artifact(String path, String sha1, long size) {
        String fileName() { return path.substring(path.lastIndexOf('/') + 1); }
    }

    private DynamoDbLocalLibrary() {}

    /** The jars the build recorded; empty when this is not the emulator jar (the build's classpath has DynamoDB Local). */
    static List<Artifact> closure() throws IOException {
        List<Artifact> artifacts = new ArrayList<>();
        try (InputStream in = DynamoDbLocalLibrary.class.getResourceAsStream(CLOSURE_RESOURCE)) {
            if (in == null) return artifacts;
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] fields = line.strip().split(" ");
                artifacts.add(new Artifact(fields[0], fields[1], Long.parseLong(fields[2])));
            }
        }
        return artifacts;
    }

    /** A class loader over the jars (this class's loader first, so the SDK classes are the emulator's own). */
    static ClassLoader load(List<Artifact> artifacts, Path mavenRepository, Path cache, URI central, PrintStream progress) throws IOException {
        List<URL> urls = new ArrayList<>();
        int fetched = 0;
        for (Artifact artifact : artifacts) {
            Path local = mavenRepository.resolve(artifact.path());
            Path cached = cache.resolve(artifact.path());
            Path jar;
            if (Files.isRegularFile(local) && Files.size(local) == artifact.size()) {
                jar = local;
            } else if (Files.isRegularFile(cached) && Files.size(cached) == artifact.size()) {
                jar = cached;
            } else {
                fetched++;
                progress.printf("DynamoDB Local is not in %s: fetching %s (%d of %d, %d KB) from %s into %s%n",
                        mavenRepository, artifact.fileName(), fetched, artifacts.size(), artifact.size() / 1024, central, cache);
                download(artifact, central, cached);
                jar = cached;
            }
            urls.add(toUrl(jar));
        }
        return new URLClassLoader("dynamodb-local", urls.toArray(URL[]::new), DynamoDbLocalLibrary.class.getClassLoader());
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fetches the jar and Central's .sha1 for it, checks both against the recorded SHA-1, and only then moves it into place. */
    static void download(Artifact artifact, URI central, Path target) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        String base = central.toString().endsWith("/") ? central.toString() : central + "/";
        URI jarUri = URI.create(base + artifact.path());
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), artifact.fileName(), ".part");
        IOException last = null;
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try {
                    String published = new String(get(http, URI.create(jarUri + ".sha1"), null), StandardCharsets.US_ASCII).strip().split("\\s+")[0];
                    get(http, jarUri, partial);
                    String actual = sha1(partial);
                    if (!actual.equalsIgnoreCase(artifact.sha1()) || !published.equalsIgnoreCase(artifact.sha1())) {
                        throw new IOException(jarUri + ": checksum mismatch (SHA-1 of the download " + actual + ", Central's .sha1 "
                                + published + ", recorded by the build " + artifact.sha1() + "); nothing was kept");
                    }
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return;
                } catch (IOException e) {
                    last = e;
                    if (e.getMessage() != null && e.getMessage().contains("checksum mismatch")) break; // a wrong file stays wrong
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while fetching " + jarUri, e);
                }
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        throw new IOException("could not fetch " + jarUri + " (" + ATTEMPTS + " attempts at most): " + last.getMessage()
                + ". Fetch DynamoDB Local into your Maven repository (mvn dependency:get -Dartifact=com.amazonaws:DynamoDBLocal:2.6.1),"
                + " name a Maven Central mirror (--maven-central), or name a DynamoDB endpoint (--dynamodb-endpoint)", last);
    }

    /** The body (into {@code file} when given, else returned), after a 200. */
    private static byte[] get(HttpClient http, URI uri, Path file) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build();
        if (file == null) {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) throw new IOException(uri + " answered " + response.statusCode());
            return response.body();
        }
        HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(file));
        if (response.statusCode() != 200) throw new IOException(uri + " answered " + response.statusCode());
        return null;
    }

    static String sha1(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

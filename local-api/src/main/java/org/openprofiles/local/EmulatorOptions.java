package org.openprofiles.local;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's options: each a flag and an environment variable (the flag wins), with its default. One table
 * ({@link #OPTIONS}) serves parsing and {@code --help}.
 *
 * @param dataDir          null: everything in memory
 * @param domainsDir       null: the shipped example domain only
 * @param dynamoDbEndpoint null: DynamoDB Local, in-process
 * @param kinesisEndpoint  null: the emulator's own kinesalite when Node.js is there, else Kinesis features are off
 */
record EmulatorOptions(int port, Path dataDir, Path domainsDir, URI dynamoDbEndpoint, URI kinesisEndpoint, int kinesisPort,
                       Path mavenRepository, Path cacheDir, URI mavenCentral, boolean help) {

    /** A flag, its environment variable, the value's name in the help ({@code null}: a switch) and what it does. */
    record Option(String flag, String variable, String value, String description) {}

    static final String DEFAULT_CENTRAL = "https://repo.maven.apache.org/maven2";
    static final List<Option> OPTIONS = List.of(
            new Option("--port", "PORT", "<port>", "HTTP port on 127.0.0.1 (default " + LocalApi.DEFAULT_PORT + "; 0 picks a free one)"),
            new Option("--data-dir", "OPENPROFILES_DATA_DIR", "<dir>",
                    "keep the table (profiles, objects, domains, types, event streams, pending erasures) in this directory"
                            + " across restarts (default: in memory)"),
            new Option("--domains", "OPENPROFILES_DOMAINS", "<dir>",
                    "apply the domain files (*.json, the format of domains/) in this directory at start and after each reset,"
                            + " in addition to the shipped ExampleDomainName"),
            new Option("--dynamodb-endpoint", "AWS_ENDPOINT_URL_DYNAMODB", "<url>",
                    "use this DynamoDB (e.g. the amazon/dynamodb-local container) instead of DynamoDB Local in-process"),
            new Option("--kinesis-endpoint", "AWS_ENDPOINT_URL_KINESIS", "<url>",
                    "the Kinesis for event streams and the contact-record stream (default: start kinesalite when Node.js"
                            + " is there, installed with npm into the cache at the first start; else these features are off)"),
            new Option("--kinesis-port", "OPENPROFILES_KINESIS_PORT", "<port>",
                    "port of the emulator's own kinesalite (default " + LocalApi.DEFAULT_KINESIS_PORT + "; 0 picks a free one)"),
            new Option("--maven-repo", "OPENPROFILES_MAVEN_REPO", "<dir>",
                    "the local Maven repository to take DynamoDB Local from (default: -Dmaven.repo.local, else ~/.m2/repository)"),
            new Option("--cache-dir", "OPENPROFILES_CACHE_DIR", "<dir>",
                    "where DynamoDB Local is fetched to when the Maven repository lacks it, and kinesalite installed"
                            + " (default ~/.cache/openprofiles-emulator)"),
            new Option("--maven-central", "OPENPROFILES_MAVEN_CENTRAL", "<url>",
                    "the Maven Central (or mirror) to fetch DynamoDB Local from (default " + DEFAULT_CENTRAL + ")"),
            new Option("--help", null, null, "print this help and exit"));

    /** The options from the command line, then the environment, then the defaults; a bad one throws with a plain message. */
    static EmulatorOptions parse(String[] args, Map<String, String> environment) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                inline = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            Option option = option(arg);
            if (option.value() == null) {
                given.put(option.flag(), "true");
            } else if (inline != null) {
                given.put(option.flag(), inline);
            } else if (i + 1 < args.length) {
                given.put(option.flag(), args[++i]);
            } else {
                throw new IllegalArgumentException(option.flag() + " needs a value " + option.value());
            }
        }
        for (Option option : OPTIONS) {
            if (!given.containsKey(option.flag()) && option.variable() != null) {
                String value = environment.get(option.variable());
                if (value != null && !value.isBlank()) given.put(option.flag(), value.strip());
            }
        }
        Path home = Path.of(System.getProperty("user.home"));
        String repoProperty = System.getProperty("maven.repo.local");
        return new EmulatorOptions(
                port(given, "--port", LocalApi.DEFAULT_PORT),
                path(given, "--data-dir", null),
                path(given, "--domains", null),
                uri(given, "--dynamodb-endpoint", null),
                uri(given, "--kinesis-endpoint", null),
                port(given, "--kinesis-port", LocalApi.DEFAULT_KINESIS_PORT),
                path(given, "--maven-repo", repoProperty != null ? Path.of(repoProperty) : home.resolve(".m2").resolve("repository")),
                path(given, "--cache-dir", home.resolve(".cache").resolve("openprofiles-emulator")),
                uri(given, "--maven-central", DEFAULT_CENTRAL),
                given.containsKey("--help"));
    }

    private static Option option(String flag) {
        for (Option option : OPTIONS) if (option.flag().equals(flag)) return option;
        throw new IllegalArgumentException("unknown option " + flag + " (--help lists the options)");
    }

    private static int port(Map<String, String> given, String flag, int fallback) {
        String value = given.get(flag);
        if (value == null) return fallback;
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) return port;
        } catch (NumberFormatException notANumber) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(flag + " must be a port number from 0 to 65535, not '" + value + "'");
    }

    /** The directory given, made absolute (the start line and the data files name it so), else {@code fallback}. */
    private static Path path(Map<String, String> given, String flag, Path fallback) {
        String value = given.get(flag);
        return value == null ? fallback : Path.of(value).toAbsolutePath();
    }

    private static URI uri(Map<String, String> given, String flag, String fallback) {
        String value = given.getOrDefault(flag, fallback);
        if (value == null) return null;
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() != null && uri.getHost() != null) return uri;
        } catch (IllegalArgumentException notAUri) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(flag + " must be a URL such as http://127.0.0.1:8000, not '" + value + "'");
    }

    /** The help text: usage and every option with its variable. */
    static String usage() {
        StringBuilder text = new StringBuilder("""
                openprofiles emulator: the Customer Profiles data plane on 127.0.0.1, over DynamoDB Local.
                Usage: java -jar openprofiles-emulator.jar [options]   (each option can also be set by its environment variable)
                """);
        for (Option option : OPTIONS) {
            String left = option.flag() + (option.value() == null ? "" : " " + option.value());
            String variable = option.variable() == null ? "" : " [" + option.variable() + "]";
            text.append(String.format("  %-26s %s%s%n", left, option.description(), variable));
        }
        text.append("""
                Emulator-only routes: GET /_openprofiles/health, POST /_openprofiles/reset (back to the seeded domains).
                """);
        return text.toString();
    }
}

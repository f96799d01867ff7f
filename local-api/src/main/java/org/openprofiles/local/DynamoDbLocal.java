package org.openprofiles.local;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local, reached only through a class loader and reflection: the emulator jar never contains it (its license
 * forbids redistributing it), so its classes come from the build's classpath (exec:java, tests) or from the jars
 * {@link DynamoDbLocalLibrary} finds in the user's Maven repository or fetches from Maven Central. Always started with
 * telemetry off: a local tool does not phone home.
 */
final class DynamoDbLocal {
    static final String EMBEDDED_CLASS = "com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded";
    static final String LOCAL_INTERFACE = "com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal";
    static final String SERVER_CLASS = "com.amazonaws.services.dynamodbv2.local.main.ServerRunner";
    /** The database file under a data directory (embedded mode); the server mode keeps its own file in the directory. */
    static final String DATABASE_FILE = "dynamodb-local.db";

    /** The embedded database's clients (no HTTP: calls go straight into DynamoDB Local's engine). */
    record Embedded(DynamoDbClient dynamo, DynamoDbStreamsClient streams, AutoCloseable shutdown) {}

    /** A DynamoDB Local server: its endpoint, and how to stop it. */
    record Server(URI endpoint, AutoCloseable stop) {}

    private DynamoDbLocal() {}

    /** The loader that has DynamoDB Local: this class's own when the build put it on the classpath, else null. */
    static ClassLoader onClasspath() {
        ClassLoader own = DynamoDbLocal.class.getClassLoader();
        try {
            Class.forName(EMBEDDED_CLASS, false, own);
            return own;
        } catch (ClassNotFoundException absent) {
            return null;
        }
    }

    /** In-process DynamoDB Local: in memory, or kept in {@code dataDir} (null: in memory). */
    static Embedded embedded(ClassLoader loader, Path dataDir) throws IOException {
        Object local = withContextLoader(loader, () -> {
            Class<?> embedded = Class.forName(EMBEDDED_CLASS, true, loader);
            if (dataDir == null) return embedded.getMethod("create", Boolean.class).invoke(null, Boolean.TRUE);
            return embedded.getMethod("create", File.class, Boolean.class)
                    .invoke(null, dataDir.resolve(DATABASE_FILE).toFile(), Boolean.TRUE);
        });
        try {
            Class<?> api = Class.forName(LOCAL_INTERFACE, false, loader);
            Method dynamo = api.getMethod("dynamoDbClient");
            Method streams = api.getMethod("dynamoDbStreamsClient");
            Method shutdown = api.getMethod("shutdown");
            return new Embedded((DynamoDbClient) dynamo.invoke(local), (DynamoDbStreamsClient) streams.invoke(local),
                    () -> shutdown.invoke(local));
        } catch (ReflectiveOperationException e) {
            throw new IOException("DynamoDB Local did not give its clients", e);
        }
    }

    /** DynamoDB Local as a server on a free port of 127.0.0.1 (in memory, or kept in {@code dataDir}); its endpoint. */
    static Server server(ClassLoader loader, Path dataDir) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> arguments = new ArrayList<>(List.of("-port", Integer.toString(port), "-disableTelemetry"));
        if (dataDir == null) arguments.add("-inMemory");
        else arguments.addAll(List.of("-dbPath", dataDir.toString()));
        Object server = withContextLoader(loader, () -> {
            Object created = Class.forName(SERVER_CLASS, true, loader).getMethod("createServerFromCommandLineArgs", String[].class)
                    .invoke(null, (Object) arguments.toArray(String[]::new));
            created.getClass().getMethod("start").invoke(created);
            return created;
        });
        Method stop;
        try {
            stop = server.getClass().getMethod("stop");
        } catch (NoSuchMethodException e) {
            throw new IOException("DynamoDB Local's server has no stop()", e);
        }
        return new Server(URI.create("http://127.0.0.1:" + port), () -> stop.invoke(server));
    }

    private interface Reflective {
        Object call() throws ReflectiveOperationException;
    }

    /** Log4j's property naming its logger implementation: read once, when DynamoDB Local's Log4j initialises. */
    static final String LOG4J_FACTORY = "log4j2.loggerContextFactory";
    /**
     * Log4j's simple logger (in log4j-api): ERROR and above to stderr. DynamoDB Local's own configuration (WARN to the
     * console) costs about a second of start-up in log4j-core (XML, JMX, plugins) for lines it rarely prints.
     */
    static final String SIMPLE_LOGGER = "org.apache.logging.log4j.simple.SimpleLoggerContextFactory";

    /**
     * Runs DynamoDB Local's code with its loader as the context loader (its logging and native library loading look
     * there), and with Log4j's simple logger unless the JVM names another; the property is restored at once, so a
     * test JVM's own Log4j (the JUnit extension runs in-process) is not changed.
     */
    private static Object withContextLoader(ClassLoader loader, Reflective call) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        boolean simpleLogger = System.getProperty(LOG4J_FACTORY) == null;
        if (simpleLogger) System.setProperty(LOG4J_FACTORY, SIMPLE_LOGGER);
        try {
            return call.call();
        } catch (InvocationTargetException e) {
            throw new IOException("DynamoDB Local did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IOException("DynamoDB Local 2.6.1 was expected and is not what the class loader has: " + e, e);
        } finally {
            if (simpleLogger) System.clearProperty(LOG4J_FACTORY);
            thread.setContextClassLoader(previous);
        }
    }
}

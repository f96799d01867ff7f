package org.openprofiles.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import org.openprofiles.kinesis.LocalKinesis;

/** The local API's backends for tests: a fresh embedded DynamoDB Local each time, one kinesalite per test JVM. */
final class LocalBackends {
    private static LocalKinesis kinesis;

    private LocalBackends() {}

    static synchronized LocalKinesis kinesis() {
        if (kinesis == null) {
            kinesis = LocalKinesis.startEmulator();
            Runtime.getRuntime().addShutdownHook(new Thread(kinesis::close));
        }
        return kinesis;
    }

    static LocalApi.Backends embedded() {
        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
        return new LocalApi.Backends(dynamo.dynamoDbClient(), dynamo.dynamoDbStreamsClient(), kinesis().client());
    }
}

package org.openprofiles.benchmark;

import java.util.Map;
import org.openprofiles.store.table.DynamoDbClients;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The baseline cold start: a fresh JVM that builds the same SDK client and does one PutItem. */
public final class BareClientDriver {
    public static void main(String[] args) {
        DynamoDbClient client = DynamoDbClients.builder().credentialsProvider(EnvironmentVariableCredentialsProvider.create()).build();
        client.putItem(r -> r.tableName(System.getenv("TABLE_NAME"))
                .item(Map.of("pk", AttributeValue.fromS("bare#" + System.nanoTime()))));
        System.out.println("FIRST_RESPONSE 200 " + ColdStartDriver.peakHeap());
    }
}

package org.openprofiles.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The domain configuration aggregate: every domain file, as deployed, in one item. The CDK data
 * stack writes it at deploy time (and the local API at start-up); a function reads it once, at
 * init, and never per request.
 */
public final class DomainStore {
    /** The item's key and attribute: the CDK stack writes exactly this shape. */
    public static final String CONFIGURATION_PK = "CONFIG#domains";
    public static final String FILES_ATTRIBUTE = "files";

    private final DynamoDbClient dynamo;
    private final String tableName;

    public DomainStore(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    /**
     * File name → JSON text of every deployed domain file. Read with BatchGetItem, the call the
     * request paths make anyway: at cold start the SDK then prepares one operation fewer.
     */
    public Map<String, String> load() {
        List<Map<String, AttributeValue>> items = dynamo.batchGetItem(r -> r.requestItems(Map.of(tableName, KeysAndAttributes.builder()
                        .keys(Map.of(ProfilesTable.PARTITION_KEY, AttributeValue.fromS(CONFIGURATION_PK)))
                        .consistentRead(true).build())))
                .responses().getOrDefault(tableName, List.of());
        if (items.isEmpty() || !items.get(0).containsKey(FILES_ATTRIBUTE)) {
            throw new IllegalStateException("table " + tableName + " holds no domain configuration (item " + CONFIGURATION_PK
                    + "): deploy the data stack, which writes it");
        }
        Map<String, String> files = new TreeMap<>();
        items.get(0).get(FILES_ATTRIBUTE).m().forEach((name, json) -> files.put(name, json.s()));
        return files;
    }

    /** Replaces the deployed configuration (the local API's equivalent of the deploy-time write). */
    public void save(Map<String, String> files) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(ProfilesTable.PARTITION_KEY, AttributeValue.fromS(CONFIGURATION_PK));
        Map<String, AttributeValue> contents = new LinkedHashMap<>();
        files.forEach((name, json) -> contents.put(name, AttributeValue.fromS(json)));
        item.put(FILES_ATTRIBUTE, AttributeValue.fromM(contents));
        dynamo.putItem(r -> r.tableName(tableName).item(item));
    }
}

package org.openprofiles.prodlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openprofiles.prodlike.TestDynamo.item;
import static org.openprofiles.prodlike.TestDynamo.key;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** A role's calls get the rights its policy gives, item by item, as IAM checks them; a denied call never reaches DynamoDB. */
class AccessTest extends TestDynamo.WithProxy {
    final List<Access> asked = new CopyOnWriteArrayList<>();
    DynamoDbClient writer;
    DynamoDbClient noRole;

    /** A client whose calls are made in {@code role}. */
    static DynamoDbClient inRole(String role, TestDynamo.Attempts attempts) {
        ExecutionInterceptor header = new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader(Access.ROLE_HEADER, role).build();
            }
        };
        return TestDynamo.client(proxy.endpoint(), TestDynamo.productionRetries(), Duration.ofSeconds(5), header, attempts);
    }

    @BeforeEach
    void roles() {
        writer = inRole("writer", new TestDynamo.Attempts());
        noRole = TestDynamo.noRetries(proxy, Duration.ofSeconds(5));
        // The writer may put and check items whose partition key starts with "mine#", and nothing else.
        proxy.checkAccess(access -> {
            asked.add(access);
            return access.role().equals("writer") && Set.of("dynamodb:PutItem", "dynamodb:ConditionCheckItem").contains(access.action())
                    && access.leadingKeys() != null && access.leadingKeys().stream().allMatch(pk -> pk.startsWith("mine#"));
        });
    }

    @Test
    void aTransactionAsksForEachOfItsActionsWithTheItemsPartitionKeys() {
        writer.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(item("mine#1", "x")).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(item("mine#2", "y")).build()).build(),
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table).key(key("mine#3"))
                        .conditionExpression("attribute_not_exists(pk)").build()).build()));

        assertEquals(List.of(new Access("writer", "dynamodb:PutItem", table, null, Set.of("mine#1", "mine#2")),
                new Access("writer", "dynamodb:ConditionCheckItem", table, null, Set.of("mine#3"))), asked);
        assertTrue(TestDynamo.exists(table, "mine#1") && TestDynamo.exists(table, "mine#2"));
        assertEquals(Map.of(), proxy.stats().denied());
    }

    @Test
    void aCallWithOneItemOutsideTheRightsIsDeniedOnceAndNothingOfItIsWritten() {
        TestDynamo.Attempts attempts = new TestDynamo.Attempts();
        DynamoDbClient counted = inRole("writer", attempts);
        DynamoDbException denied = assertThrows(DynamoDbException.class, () -> counted.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(item("mine#1", "x")).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(item("theirs#1", "y")).build()).build())));

        assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
        assertEquals(400, denied.statusCode());
        assertTrue(denied.getMessage().contains("dynamodb:PutItem on resource: table/" + table), denied.getMessage());
        assertFalse(denied.getMessage().contains("mine#1"), "no item key in the message: " + denied.getMessage());
        assertEquals(1, attempts.count.get(), "the SDK does not retry a denial");
        assertFalse(TestDynamo.exists(table, "mine#1"), "a denied call is not forwarded");
        assertEquals(0, proxy.stats().forwarded("TransactWriteItems"));
        assertEquals(Map.of("writer: dynamodb:PutItem on table/" + table + " for items [mine#1, theirs#1]", 1L), proxy.stats().denied());
    }

    @Test
    void readsBatchesAndQueriesAreAskedForAsTheirOwnActions() {
        TestDynamo.putItems(TestDynamo.direct(), table, "x", "mine#1");
        assertThrows(DynamoDbException.class, () -> writer.batchGetItem(b -> b.requestItems(Map.of(table,
                software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(key("mine#1")).build()))));
        assertThrows(DynamoDbException.class, () -> writer.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("mine#1")))));
        assertThrows(DynamoDbException.class, () -> writer.scan(b -> b.tableName(table)));

        assertEquals(List.of(new Access("writer", "dynamodb:BatchGetItem", table, null, Set.of("mine#1")),
                new Access("writer", "dynamodb:Query", table, null, null),
                new Access("writer", "dynamodb:Scan", table, null, Set.of())), asked);
    }

    @Test
    void aCallMadeInNoRoleIsNotChecked() {
        noRole.putItem(b -> b.tableName(table).item(item("theirs#1", "x")));
        assertTrue(TestDynamo.exists(table, "theirs#1"));
        assertEquals(List.of(), asked);
    }
}

package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Answers.DYNAMODB_ERROR;
import static org.openprofiles.prodlike.Answers.cancelled;
import static org.openprofiles.prodlike.Answers.error;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * <b>Throttling</b>: every Nth call of an operation ({@code throttleEvery}) is answered, not
 * forwarded: {@code ProvisionedThroughputExceededException} (400), or, for TransactWriteItems
 * and TransactGetItems, a {@code TransactionCanceledException} whose reasons are all
 * {@code ThrottlingError}, as real DynamoDB answers. With {@code throttleAs=ThrottlingException}
 * every throttled call is answered 400 {@code ThrottlingException} instead. {@code throttleFrom}
 * throttles the Nth call of an operation and every later one: a table that throttles for good.
 */
final class Throttling {
    private static final String THROTTLING_REASON = "Throughput exceeds the current capacity of your table or index. "
            + "DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, "
            + "check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html.";

    private Throttling() {}

    /** The answer to a throttled call. */
    static HttpWire.Response answer(ThrottleStyle style, String operation, JsonNode body) {
        if (style == ThrottleStyle.THROTTLING_EXCEPTION) {
            return error("{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"Rate of requests exceeds the allowed throughput.\"}");
        }
        if (operation.equals("TransactWriteItems") || operation.equals("TransactGetItems")) {
            List<JsonNode> actions = Json.array(Json.field(body, "TransactItems").orElse(null));
            boolean[] all = new boolean[actions == null || actions.isEmpty() ? 1 : actions.size()];
            Arrays.fill(all, true);
            return cancelled(all, "ThrottlingError", THROTTLING_REASON);
        }
        return error("{\"__type\":\"" + DYNAMODB_ERROR
                + "ProvisionedThroughputExceededException\",\"message\":\"The level of configured provisioned throughput for the table "
                + "was exceeded. Consider increasing your provisioning level with the UpdateTable API.\"}");
    }
}

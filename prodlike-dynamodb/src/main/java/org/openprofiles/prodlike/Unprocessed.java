package org.openprofiles.prodlike;

import static org.openprofiles.prodlike.Answers.json;
import static org.openprofiles.prodlike.Answers.rewritten;
import static org.openprofiles.prodlike.Answers.writeRequestItems;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.prodlike.ItemKeys.ItemId;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * <b>Unprocessed keys</b>: every Nth BatchGetItem ({@code unprocessKeysEvery}) is answered
 * 200 with nothing read and every requested key in {@code UnprocessedKeys}, as DynamoDB does when
 * it runs out of capacity or response size mid-batch. The SDK does not retry a 200: the caller
 * must.
 *
 * <p><b>Unprocessed items</b>: every Nth BatchWriteItem ({@code unprocessItemsEvery}) forwards
 * only the first half of its put and delete requests (in request order, tables in the order the
 * request names them; half rounded down, so at least one is not written) and answers 200 with the
 * rest in {@code UnprocessedItems}, merged with the upstream's, as DynamoDB does when a batch
 * runs out of capacity part-way. A batch of one request is not forwarded at all. The SDK does not
 * retry a 200: the caller must resend the UnprocessedItems.
 *
 * <p>A BatchWriteItem's puts and deletes of items a transaction holds ({@link TransactionHolds})
 * come back in {@code UnprocessedItems} the same way.
 */
final class Unprocessed {
    private final ItemKeys keys;
    private final TransactionHolds holds;
    private final Forwarding forwarding;
    private final Counters counters;

    Unprocessed(ItemKeys keys, TransactionHolds holds, Forwarding forwarding, Counters counters) {
        this.keys = keys;
        this.holds = holds;
        this.forwarding = forwarding;
        this.counters = counters;
    }

    /** A BatchGetItem answered with nothing read and every requested key unprocessed. */
    static HttpWire.Response allKeys(JsonNode body) {
        StringBuilder keys = new StringBuilder();
        Json.write(Json.field(body, "RequestItems").orElseThrow(), keys);
        return json(200, "{\"Responses\":{},\"UnprocessedKeys\":" + keys + "}");
    }

    /**
     * Forwards the writes of a BatchWriteItem whose item is not held and, when {@code firstHalfOnly},
     * that are in the first half of the request; the others come back in UnprocessedItems.
     */
    Outcome batchWrite(HttpWire.Request request, JsonNode body, String database, Rules rules, boolean firstHalfOnly)
            throws InterruptedException {
        Map<String, JsonNode> requestItems = Json.object(Json.field(body, "RequestItems").orElse(null));
        if (requestItems == null) return forwarding.forwardMaybeLost(request, request.body(), "BatchWriteItem", rules);
        Map<String, List<ItemId>> ids = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> table : requestItems.entrySet()) {
            List<JsonNode> writes = Json.array(table.getValue());
            if (writes == null) return forwarding.forwardMaybeLost(request, request.body(), "BatchWriteItem", rules);
            List<ItemId> tableIds = new ArrayList<>();
            for (JsonNode write : writes) tableIds.add(keys.fromBatchWrite(write, table.getKey(), database, request));
            ids.put(table.getKey(), tableIds);
        }
        int total = ids.values().stream().mapToInt(List::size).sum();
        int forwardable = firstHalfOnly ? total / 2 : total;
        Map<String, List<JsonNode>> kept = new LinkedHashMap<>();
        Map<String, List<JsonNode>> deferred = new LinkedHashMap<>();
        List<ItemId> all = new ArrayList<>(total);
        ids.values().forEach(all::addAll);
        boolean[] heldNow = holds.held(all);
        int heldCount = 0;
        int position = 0;
        for (Map.Entry<String, JsonNode> table : requestItems.entrySet()) {
            List<JsonNode> writes = Json.array(table.getValue());
                for (int i = 0; i < writes.size(); i++, position++) {
                boolean isHeld = heldNow[position];
                boolean defer = isHeld || position >= forwardable;
                (defer ? deferred : kept).computeIfAbsent(table.getKey(), t -> new ArrayList<>()).add(writes.get(i));
                if (isHeld) heldCount++;
            }
        }
        if (deferred.isEmpty()) return forwarding.forwardMaybeLost(request, request.body(), "BatchWriteItem", rules);
        counters.batchItemsDeferred.add(heldCount);
        if (kept.isEmpty()) {
            StringBuilder answer = new StringBuilder("{\"UnprocessedItems\":");
            writeRequestItems(deferred, answer);
            answer.append('}');
            return Outcome.answer(json(200, answer.toString()));
        }
        StringBuilder forwardedBody = new StringBuilder();
        forwardedBody.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> member : body.asObject().entrySet()) {
            if (!first) forwardedBody.append(',');
            first = false;
            Json.quote(member.getKey(), forwardedBody);
            forwardedBody.append(':');
            if (member.getKey().equals("RequestItems")) writeRequestItems(kept, forwardedBody);
            else Json.write(member.getValue(), forwardedBody);
        }
        forwardedBody.append('}');
        byte[] forwardedBytes = forwardedBody.toString().getBytes(StandardCharsets.UTF_8);
        HttpWire.Response upstreamAnswer = forwarding.forwardWrite(request, forwardedBytes, "BatchWriteItem", rules, null);
        Outcome lost = LostResponses.lose("BatchWriteItem", rules, counters);
        if (lost != null) return lost;
        JsonNode answer = upstreamAnswer.status() == 200 && upstreamAnswer.header("Content-Encoding") == null
                ? Json.parseObject(upstreamAnswer.body()) : null;
        if (answer == null) return Outcome.answer(upstreamAnswer); // an error (or an encoding we do not rewrite): as it is
        Map<String, List<JsonNode>> unprocessed = new LinkedHashMap<>();
        Map<String, JsonNode> upstreamUnprocessed = Json.object(Json.field(answer, "UnprocessedItems").orElse(null));
        if (upstreamUnprocessed != null) {
            upstreamUnprocessed.forEach((table, writes) -> {
                List<JsonNode> list = Json.array(writes);
                if (list != null && !list.isEmpty()) unprocessed.computeIfAbsent(table, t -> new ArrayList<>()).addAll(list);
            });
        }
        deferred.forEach((table, writes) -> unprocessed.computeIfAbsent(table, t -> new ArrayList<>()).addAll(writes));
        StringBuilder merged = new StringBuilder("{");
        first = true;
        boolean wroteUnprocessed = false;
        for (Map.Entry<String, JsonNode> member : answer.asObject().entrySet()) {
            if (!first) merged.append(',');
            first = false;
            Json.quote(member.getKey(), merged);
            merged.append(':');
            if (member.getKey().equals("UnprocessedItems")) {
                writeRequestItems(unprocessed, merged);
                wroteUnprocessed = true;
            } else {
                Json.write(member.getValue(), merged);
            }
        }
        if (!wroteUnprocessed) {
            if (!first) merged.append(',');
            merged.append("\"UnprocessedItems\":");
            writeRequestItems(unprocessed, merged);
        }
        merged.append('}');
        return Outcome.answer(rewritten(upstreamAnswer, merged));
    }
}

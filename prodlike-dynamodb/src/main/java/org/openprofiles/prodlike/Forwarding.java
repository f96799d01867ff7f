package org.openprofiles.prodlike;

import java.util.List;
import java.util.Map;
import org.openprofiles.prodlike.ItemKeys.ItemId;
import org.openprofiles.prodlike.RecentWrites.Target;
import org.openprofiles.prodlike.TransactionHolds.Transaction;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Forwarding a call, with what the rules need around it: a write's pre-images read before it and its
 * acknowledgement remembered after ({@link RecentWrites}), a transaction learning whether it was
 * applied ({@link TornReads}), and the response lost ({@link LostResponses}).
 */
final class Forwarding {
    private final Upstream upstream;
    private final RecentWrites recentWrites;
    private final Counters counters;

    Forwarding(Upstream upstream, RecentWrites recentWrites, Counters counters) {
        this.upstream = upstream;
        this.recentWrites = recentWrites;
        this.counters = counters;
    }

    Outcome forwardMaybeLost(HttpWire.Request request, byte[] body, String operation, Rules rules)
            throws InterruptedException {
        return forwardMaybeLost(request, body, operation, rules, null);
    }

    Outcome forwardMaybeLost(HttpWire.Request request, byte[] body, String operation, Rules rules,
            Transaction transaction) throws InterruptedException {
        HttpWire.Response response = forwardWrite(request, body, operation, rules, transaction);
        Outcome lost = LostResponses.lose(operation, rules, counters);
        return lost != null ? lost : Outcome.answer(response);
    }

    /**
     * Forwards a write (any call, in fact: only writes are remembered). When a rule needs older
     * versions, the items it touches are first read upstream (their pre-images); a transaction in
     * flight keeps them, and learns whether the upstream applied it.
     */
    HttpWire.Response forwardWrite(HttpWire.Request request, byte[] body, String operation, Rules rules,
            Transaction transaction) throws InterruptedException {
        try {
            Map<ItemId, JsonNode> before = Map.of();
            List<Target> targets = List.of();
            if (rules.readsPreImages() && RecentWrites.WRITES.contains(operation)) {
                targets = recentWrites.targets(operation, Json.parseObject(body), ItemKeys.database(request), request);
                before = recentWrites.preImages(request, targets);
            }
            if (transaction != null) {
                transaction.before = before;
                transaction.order = targets.stream().map(Target::id).toList();
            }
            HttpWire.Response response = upstream.forward(request, body, operation);
            if (transaction != null) transaction.applied = response.status() == 200;
            recentWrites.remember(request, body, operation, response, rules, before);
            return response;
        } finally {
            if (transaction != null) transaction.answered.countDown();
        }
    }
}

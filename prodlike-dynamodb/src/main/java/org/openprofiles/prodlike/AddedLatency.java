package org.openprofiles.prodlike;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * <b>Latency</b>: fixed ms plus a uniform random jitter, per operation or for all
 * ({@code *}), spent on arrival, before any other rule and before forwarding.
 */
final class AddedLatency {
    private AddedLatency() {}

    /** Sleeps the call's latency: its operation's, else the one set for {@code *}. */
    static void spend(Rules rules, String operation) throws InterruptedException {
        Rules.Latency value = rules.latencyFor(operation);
        long ms = value.fixedMs() + (value.jitterMs() > 0 ? ThreadLocalRandom.current().nextLong(value.jitterMs() + 1) : 0);
        if (ms > 0) TimeUnit.MILLISECONDS.sleep(ms);
    }
}

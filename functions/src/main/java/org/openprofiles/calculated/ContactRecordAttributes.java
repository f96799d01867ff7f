package org.openprofiles.calculated;

import java.math.BigDecimal;
import java.util.Map;
import java.util.function.Function;

/**
 * The contact-record attributes Amazon Connect's default calculated attributes read ({@code channel}, {@code agent.id},
 * {@code agent.customerHoldDurationMillis}, ...), named as Customer Profiles' own CTR objects name them (camelCase), for
 * records as Connect's data stream sends them (PascalCase, durations in seconds, the agent as an ARN). Used for objects of
 * the CTR templates when the camelCase attribute is absent, so the defaults work for records of either shape.
 */
public final class ContactRecordAttributes {
    private ContactRecordAttributes() {}

    /** camelCase attribute → where the stream record holds it, and the factor that makes it the same unit. */
    private record Source(String path, int factor, boolean arnTail) {}

    private static final Map<String, Source> SOURCES = Map.of(
            "contactId", new Source("ContactId", 1, false),
            "channel", new Source("Channel", 1, false),
            "initiationTimestamp", new Source("InitiationTimestamp", 1, false),
            "disconnectTimestamp", new Source("DisconnectTimestamp", 1, false),
            "initiationMethod", new Source("InitiationMethod", 1, false),
            "agent.id", new Source("Agent.ARN", 1, true),
            "agent.customerHoldDurationMillis", new Source("Agent.CustomerHoldDuration", 1000, false),
            "agent.agentInteractionDurationMillis", new Source("Agent.AgentInteractionDuration", 1000, false),
            "queue.durationMillis", new Source("Queue.Duration", 1000, false));

    /** The attribute read from the stream's shape, or null when the record has no such member either. */
    public static String fromStreamShape(String attribute, Function<String, String> path) {
        Source source = SOURCES.get(attribute);
        if (source == null) return null;
        String raw = path.apply(source.path());
        if (raw == null) return null;
        if (source.arnTail()) return raw.substring(raw.lastIndexOf('/') + 1); // .../agent/<agent id>
        if (source.factor() == 1) return raw;
        BigDecimal seconds = Values.decimal(raw);
        return seconds == null ? null : Values.format(seconds.multiply(BigDecimal.valueOf(source.factor())));
    }
}

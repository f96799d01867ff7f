package org.openprofiles.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.calculated.Conditions;
import org.openprofiles.calculated.Definition;
import org.openprofiles.calculated.Statistic;

/**
 * Amazon Connect's default calculated attributes (the admin guide's "Default calculated attributes" page, the rows it
 * marks launched): present in every domain without being created, shown without CreatedAt/LastUpdatedAt, deletable (a
 * deleted default stays deleted) and creatable again by name. The six CTR ones read contact records; their attribute
 * names are Customer Profiles' camelCase ones, which records in Connect's stream shape also answer
 * ({@link org.openprofiles.calculated.ContactRecordAttributes}).
 */
public final class DefaultCalculatedAttributes {
    private static final Conditions LAST_30_DAYS = new Conditions(new Conditions.Range(30, null, null, null, null), null, null);

    /** Name → definition; a default covers all the domain's data (no data start). */
    public static final Map<String, Definition> ALL;

    static {
        Map<String, Definition> all = new LinkedHashMap<>();
        add(all, "_most_frequent_channel", "Most frequent channel",
                "Returns customer's frequently used communication channel. Channels include voice, chat, task.",
                List.of("channel"), "{CTR.channel}", Statistic.MAX_OCCURRENCE, LAST_30_DAYS);
        add(all, "_last_channel", "Last channel", "Returns customer's last communication channel. Channels include voice, chat, task.",
                List.of("channel"), "{CTR.channel}", Statistic.LAST_OCCURRENCE, Conditions.NONE);
        add(all, "_last_agent_id", "Last agent identifier", "Returns identifier of the last agent customer connected with.",
                List.of("agent.id"), "{CTR.agent.id}", Statistic.LAST_OCCURRENCE, Conditions.NONE);
        add(all, "_frequent_caller", "Frequent caller", "Returns true or false based on the number of times a customer has called.",
                List.of("contactId"), "{CTR.contactId}", Statistic.COUNT,
                new Conditions(LAST_30_DAYS.range(), null, new Conditions.Threshold("5", "GREATER_THAN")));
        add(all, "_average_hold_time", "Average hold time", "Returns customer's average hold time for voice calls.",
                List.of("agent.customerHoldDurationMillis", "queue.durationMillis"),
                "{CTR.agent.customerHoldDurationMillis} + {CTR.queue.durationMillis}", Statistic.AVERAGE, LAST_30_DAYS);
        add(all, "_average_call_duration", "Average call duration", "Returns customer's average call duration for voice calls.",
                List.of("disconnectTimestamp", "initiationTimestamp"), "{CTR.disconnectTimestamp} - {CTR.initiationTimestamp}",
                Statistic.AVERAGE, LAST_30_DAYS);
        add(all, "_new_customer", "New customer", "Returns true or false for new customer profiles created.",
                List.of("createdAt"), "{_profile.createdAt}", Statistic.TIME_DIFFERENCE_FROM_NOW,
                new Conditions(null, null, new Conditions.Threshold("30", "LESS_THAN")));
        ALL = Collections.unmodifiableMap(all);
    }

    private DefaultCalculatedAttributes() {}

    private static void add(Map<String, Definition> all, String name, String displayName, String description, List<String> attributes,
                            String expression, Statistic statistic, Conditions conditions) {
        all.put(name, new Definition(name, displayName, description, attributes, expression, statistic, conditions, null, null, null,
                null, null, null, true));
    }

    /**
     * The domain's definitions, by name: the defaults not deleted (nor created again), and the stored ones.
     *
     * @param stored          name → stored JSON ({@link CalculatedAttributeShape#stored})
     * @param deletedDefaults defaults deleted and not created again
     * @param invalid         told of a stored definition that no longer passes the rules (name, why): it is left out
     */
    public static Map<String, Definition> effective(Map<String, String> stored, java.util.Set<String> deletedDefaults,
                                                    java.util.function.BiConsumer<String, String> invalid) {
        Map<String, Definition> all = new java.util.TreeMap<>();
        for (Definition d : ALL.values()) if (!deletedDefaults.contains(d.name())) all.put(d.name(), d);
        stored.forEach((name, json) -> {
            try {
                all.put(name, CalculatedAttributeRules.stored(name, json, false));
            } catch (DomainConfigException e) {
                invalid.accept(name, e.getMessage());
            }
        });
        return all;
    }
}

package org.openprofiles.calculated;

import java.util.List;
import java.util.Map;

/**
 * A calculated attribute definition as accepted (config's rules validated it).
 *
 * @param attributes        the {@code AttributeDetails.Attributes} names (1 or 2)
 * @param filter            null: every object of the type
 * @param useHistoricalData as the request gave it (null: not given, which means false)
 * @param tags              null when none were given
 * @param createdAt         epoch seconds; null for a default attribute nobody created (shown without timestamps)
 * @param dataStartMillis   objects last ingested before this are left out (Update never moves it earlier, so widening
 *                          a Range does not bring older data in); null: none left out
 * @param builtIn           one of Amazon Connect's defaults as shipped (not created through the API)
 */
public record Definition(String name, String displayName, String description, List<String> attributes, String expressionText,
                         Statistic statistic, Conditions conditions, Filter filter, Boolean useHistoricalData,
                         Map<String, String> tags, Long createdAt, Long lastUpdatedAt, Long dataStartMillis, boolean builtIn) {
    public Definition {
        attributes = List.copyOf(attributes);
        conditions = conditions == null ? Conditions.NONE : conditions;
    }

    /** The parsed expression (validated when the definition was accepted). */
    public Expression expression() {
        return Expression.parse(expressionText, attributes);
    }

    public String objectTypeName() {
        return expression().objectTypeName();
    }

    /** The same definition with other values for what UpdateCalculatedAttributeDefinition may change. */
    public Definition updated(String newDisplayName, String newDescription, Conditions newConditions, long now) {
        return new Definition(name, newDisplayName, newDescription, attributes, expressionText, statistic, newConditions, filter,
                useHistoricalData, tags, createdAt == null ? now : createdAt, now, dataStartMillis, false);
    }
}

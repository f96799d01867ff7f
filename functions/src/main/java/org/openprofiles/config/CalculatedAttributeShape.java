package org.openprofiles.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.calculated.Conditions;
import org.openprofiles.calculated.Definition;
import org.openprofiles.calculated.Filter;
import org.openprofiles.json.Json;

/**
 * A definition in the service model's shape (Create/Get/Update responses and list items) and as stored: the same shape,
 * with its data start. Timestamps are epoch seconds. Readiness is always complete: values are computed when read, from
 * all the data the definition covers, so there is no backfill to wait for.
 */
public final class CalculatedAttributeShape {
    private CalculatedAttributeShape() {}

    /** Create and Get: every member; Update's response has no Filter ({@code withFilter} false). */
    public static Map<String, Object> definition(Definition d, boolean withFilter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("CalculatedAttributeName", d.name());
        if (d.displayName() != null) body.put("DisplayName", d.displayName());
        if (d.description() != null) body.put("Description", d.description());
        List<Object> attributes = new ArrayList<>();
        for (String name : d.attributes()) attributes.add(Map.of("Name", name));
        body.put("AttributeDetails", Map.of("Attributes", attributes, "Expression", d.expressionText()));
        Map<String, Object> conditions = conditions(d.conditions());
        if (!conditions.isEmpty()) body.put("Conditions", conditions);
        if (withFilter && d.filter() != null) body.put("Filter", filter(d.filter()));
        body.put("Statistic", d.statistic().name());
        timestamps(d, body);
        if (d.useHistoricalData() != null) body.put("UseHistoricalData", d.useHistoricalData());
        body.put("Status", "COMPLETED");
        body.put("Readiness", Map.of("ProgressPercentage", 100));
        if (d.tags() != null) body.put("Tags", d.tags());
        return body;
    }

    /** A ListCalculatedAttributeDefinitions item: only its members. */
    public static Map<String, Object> listItem(Definition d) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("CalculatedAttributeName", d.name());
        if (d.displayName() != null) item.put("DisplayName", d.displayName());
        if (d.description() != null) item.put("Description", d.description());
        timestamps(d, item);
        if (d.useHistoricalData() != null) item.put("UseHistoricalData", d.useHistoricalData());
        item.put("Status", "COMPLETED");
        if (d.tags() != null) item.put("Tags", d.tags());
        return item;
    }

    /** How a definition is kept in the configuration ({@link CalculatedAttributeRules#stored} reads it back). */
    public static String stored(Definition d) {
        Map<String, Object> body = definition(d, true);
        body.remove("CalculatedAttributeName");
        body.remove("Status");
        body.remove("Readiness");
        if (d.dataStartMillis() != null) body.put("DataStart", d.dataStartMillis());
        return Json.write(body);
    }

    private static void timestamps(Definition d, Map<String, Object> body) {
        if (d.createdAt() != null) body.put("CreatedAt", d.createdAt());
        if (d.lastUpdatedAt() != null) body.put("LastUpdatedAt", d.lastUpdatedAt());
    }

    static Map<String, Object> conditions(Conditions c) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (c.range() != null) {
            Conditions.Range r = c.range();
            Map<String, Object> range = new LinkedHashMap<>();
            if (r.value() != null) range.put("Value", r.value());
            range.put("Unit", Conditions.DAYS);
            if (r.start() != null) range.put("ValueRange", Map.of("Start", r.start(), "End", r.end()));
            if (r.timestampSource() != null) range.put("TimestampSource", r.timestampSource());
            if (r.timestampFormat() != null) range.put("TimestampFormat", r.timestampFormat());
            body.put("Range", range);
        }
        if (c.objectCount() != null) body.put("ObjectCount", c.objectCount());
        if (c.threshold() != null) body.put("Threshold", Map.of("Value", c.threshold().value(), "Operator", c.threshold().operator()));
        return body;
    }

    static Map<String, Object> filter(Filter f) {
        List<Object> groups = new ArrayList<>();
        for (Filter.Group g : f.groups()) {
            List<Object> dimensions = new ArrayList<>();
            for (Map<String, Filter.Dimension> d : g.dimensions()) {
                Map<String, Object> attributes = new LinkedHashMap<>();
                d.forEach((name, dim) -> attributes.put(name, Map.of("DimensionType", dim.dimensionType(), "Values", dim.values())));
                dimensions.add(Map.of("Attributes", attributes));
            }
            groups.add(Map.of("Type", g.type(), "Dimensions", dimensions));
        }
        return Map.of("Include", f.include(), "Groups", groups);
    }
}

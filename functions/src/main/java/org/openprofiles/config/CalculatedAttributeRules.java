package org.openprofiles.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.openprofiles.calculated.Conditions;
import org.openprofiles.calculated.Definition;
import org.openprofiles.calculated.Expression;
import org.openprofiles.calculated.Filter;
import org.openprofiles.calculated.Statistic;
import org.openprofiles.calculated.Timestamps;
import org.openprofiles.calculated.Values;
import org.openprofiles.json.Json;

/**
 * The rules of a calculated attribute definition, in one place for CreateCalculatedAttributeDefinition,
 * UpdateCalculatedAttributeDefinition and the domain files' {@code CalculatedAttributes}: the model's shapes, at most two
 * attributes of one object type the domain has, an expression, filter and conditions that can work. Every message names
 * the member and the rule. The shape a definition is answered in ({@link #shape}) is also how it is stored.
 */
public final class CalculatedAttributeRules {
    /** "Maximum number of calculated attributes per domain: 50, not adjustable" (defaults count). */
    public static final int MAX_PER_DOMAIN = 50;
    static final int MAX_ATTRIBUTES = 2;
    static final Pattern DISPLAY_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z_0-9-\\s]*$");
    static final Pattern ATTRIBUTE_NAME = Pattern.compile("^[a-zA-Z0-9_.-]+$");
    static final Pattern TIMESTAMP_SOURCE = Pattern.compile("^\\{([a-zA-Z_][a-zA-Z_0-9-]*)\\.([a-zA-Z0-9_.-]+)}$");
    static final Set<String> CREATE_MEMBERS = Set.of("DisplayName", "Description", "AttributeDetails", "Conditions", "Filter", "Statistic",
            "UseHistoricalData", "Tags");
    /** What a stored definition holds besides the Create members. */
    private static final Set<String> STORED_MEMBERS = Set.of("CreatedAt", "LastUpdatedAt", "DataStart");
    private static final long DAY_MILLIS = 86_400_000L;

    private CalculatedAttributeRules() {}

    /** CalculatedAttributeName: the model's {@code typeName}. */
    public static String checkName(String name) {
        if (name == null || !Names.valid(name, Names.TYPE_NAME, Names.TYPE_NAME_MIN, Names.TYPE_NAME_MAX)) {
            throw new DomainConfigException("CalculatedAttributeName must have 1 to 255 characters, start with a letter or '_' and hold only"
                    + " letters, digits, '_' and '-'");
        }
        return name;
    }

    /**
     * A new definition from a Create request's body (or a domain file's entry).
     *
     * @param typeExists whether the domain has an object type (or a built-in template) of that name
     * @param nowSeconds the creation time
     * @throws DomainConfigException naming the member and the rule
     */
    public static Definition create(String name, Object body, Predicate<String> typeExists, long nowSeconds) {
        Map<?, ?> members = object(body, "the request body");
        for (Object member : members.keySet()) {
            if (!CREATE_MEMBERS.contains(member)) throw bad(member + " is not a member of a calculated attribute definition");
        }
        Definition definition = definition(checkName(name), members, false, nowSeconds, nowSeconds);
        String type = definition.objectTypeName();
        if (!typeExists.test(type)) {
            throw bad("AttributeDetails.Expression reads object type '" + type + "', which the domain does not have; create the object type"
                    + " first (PutProfileObjectType)");
        }
        return definition;
    }

    /** A definition as stored (its answered shape with its data start), without checking the object type again. */
    public static Definition stored(String name, String json, boolean builtIn) {
        Map<?, ?> members = (Map<?, ?>) Json.parse(json);
        Long createdAt = members.get("CreatedAt") == null ? null : number(members.get("CreatedAt"), "CreatedAt").longValue();
        Long updatedAt = members.get("LastUpdatedAt") == null ? null : number(members.get("LastUpdatedAt"), "LastUpdatedAt").longValue();
        Definition parsed = definition(name, members, builtIn, createdAt, updatedAt);
        Long dataStart = members.get("DataStart") == null ? null : number(members.get("DataStart"), "DataStart").longValue();
        return new Definition(name, parsed.displayName(), parsed.description(), parsed.attributes(), parsed.expressionText(),
                parsed.statistic(), parsed.conditions(), parsed.filter(), parsed.useHistoricalData(), parsed.tags(), createdAt, updatedAt,
                dataStart, builtIn);
    }

    /**
     * An Update request applied to a definition: DisplayName and Description replaced when given, Conditions replaced
     * wholesale when given. The data start is kept: widening a range does not bring in data older than it.
     */
    public static Definition update(Definition current, Object body, long nowSeconds) {
        Map<?, ?> members = body == null ? Map.of() : object(body, "the request body");
        for (Object member : members.keySet()) {
            if (!List.of("DisplayName", "Description", "Conditions").contains(member)) {
                throw bad(member + " cannot be changed by UpdateCalculatedAttributeDefinition (only DisplayName, Description and"
                        + " Conditions can)");
            }
        }
        String displayName = members.containsKey("DisplayName") ? displayName(members.get("DisplayName")) : current.displayName();
        String description = members.containsKey("Description") ? description(members.get("Description")) : current.description();
        Conditions conditions = members.containsKey("Conditions")
                ? conditions(members.get("Conditions"), current.objectTypeName(), current.statistic()) : current.conditions();
        Definition updated = current.updated(displayName, description, conditions, nowSeconds);
        return new Definition(updated.name(), updated.displayName(), updated.description(), updated.attributes(), updated.expressionText(),
                updated.statistic(), updated.conditions(), updated.filter(), updated.useHistoricalData(), updated.tags(),
                updated.createdAt(), updated.lastUpdatedAt(), current.dataStartMillis(), false);
    }

    private static Definition definition(String name, Map<?, ?> members, boolean builtIn, Long createdAt, Long updatedAt) {
        String displayName = members.get("DisplayName") == null ? null : displayName(members.get("DisplayName"));
        String description = members.get("Description") == null ? null : description(members.get("Description"));
        Map<?, ?> details = object(required(members, "AttributeDetails"), "AttributeDetails");
        List<String> attributes = attributes(required(details, "AttributeDetails.Attributes"));
        if (!(required(details, "AttributeDetails.Expression") instanceof String text) || text.isEmpty() || text.length() > 255) {
            throw bad("AttributeDetails.Expression must be a string of 1 to 255 characters");
        }
        Expression expression;
        try {
            expression = Expression.parse(text, attributes);
        } catch (IllegalArgumentException e) {
            throw bad("AttributeDetails.Expression " + e.getMessage());
        }
        if (expression.objectTypeName().equals("_profile") && !builtIn) {
            throw bad("AttributeDetails.Expression reads '_profile': a calculated attribute reads the profile's objects of one object"
                    + " type, and the profile itself is not one");
        }
        Statistic statistic = statistic(required(members, "Statistic"), builtIn);
        Conditions conditions = members.get("Conditions") == null ? Conditions.NONE
                : conditions(members.get("Conditions"), expression.objectTypeName(), statistic);
        Filter filter = members.get("Filter") == null ? null : filter(members.get("Filter"));
        Object historical = members.get("UseHistoricalData");
        if (historical != null && !(historical instanceof Boolean)) throw bad("UseHistoricalData must be true or false");
        Object tags = members.get("Tags");
        if (tags != null && TagRules.problem(tags) != null) throw bad(TagRules.problem(tags));
        Boolean useHistoricalData = (Boolean) historical;
        Long dataStart = null;
        if (createdAt != null && !builtIn) {
            // Data ingested before the definition is left out unless UseHistoricalData; then as far back as its first range.
            long created = createdAt * 1000;
            if (!Boolean.TRUE.equals(useHistoricalData)) {
                dataStart = created;
            } else if (conditions.range() != null) {
                dataStart = created - historyDays(conditions.range()) * DAY_MILLIS;
            }
        }
        return new Definition(name, displayName, description, attributes, text, statistic, conditions, filter, useHistoricalData,
                tags == null ? null : TagRules.copy(tags), createdAt, updatedAt, dataStart, builtIn);
    }

    private static long historyDays(Conditions.Range range) {
        return range.start() != null ? Math.max(0, range.start()) : range.value();
    }

    private static List<String> attributes(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > MAX_ATTRIBUTES) {
            throw bad("AttributeDetails.Attributes must list 1 or " + MAX_ATTRIBUTES + " attributes (a calculated attribute reads at most"
                    + " two fields of one object type)");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Object item : list) {
            Object name = item instanceof Map<?, ?> m ? m.get("Name") : null;
            if (!(name instanceof String n) || !Names.valid(n, ATTRIBUTE_NAME, 1, 64)) {
                throw bad("AttributeDetails.Attributes: each item must be {\"Name\": ...} with 1 to 64 letters, digits, '_', '.' or '-'");
            }
            if (!names.add(n)) throw bad("AttributeDetails.Attributes names '" + n + "' twice");
        }
        return new ArrayList<>(names);
    }

    private static Statistic statistic(Object value, boolean builtIn) {
        if (value instanceof String s && (Statistic.CREATABLE.contains(s) || builtIn && s.equals(Statistic.TIME_DIFFERENCE_FROM_NOW.name()))) {
            return Statistic.valueOf(s);
        }
        throw bad("Statistic must be one of " + String.join(", ", Statistic.CREATABLE));
    }

    /** Conditions, shared by Create and Update. */
    static Conditions conditions(Object value, String objectTypeName, Statistic statistic) {
        Map<?, ?> members = object(value, "Conditions");
        for (Object member : members.keySet()) {
            if (!List.of("Range", "ObjectCount", "Threshold").contains(member)) throw bad("Conditions." + member + " is not a condition");
        }
        Conditions.Range range = members.get("Range") == null ? null : range(members.get("Range"), objectTypeName);
        Integer objectCount = null;
        if (members.get("ObjectCount") != null) {
            BigDecimal count = number(members.get("ObjectCount"), "Conditions.ObjectCount");
            if (count.scale() > 0 || count.compareTo(BigDecimal.ONE) < 0 || count.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                throw bad("Conditions.ObjectCount must be a whole number of at least 1");
            }
            objectCount = count.intValue();
        }
        Conditions.Threshold threshold = null;
        if (members.get("Threshold") != null) {
            Map<?, ?> t = object(members.get("Threshold"), "Conditions.Threshold");
            if (!(t.get("Value") instanceof String v) || v.isEmpty() || v.length() > 255) {
                throw bad("Conditions.Threshold.Value is required: a string of 1 to 255 characters");
            }
            if (!(t.get("Operator") instanceof String op) || !Conditions.Threshold.OPERATORS.contains(op)) {
                throw bad("Conditions.Threshold.Operator is required: one of " + String.join(", ", Conditions.Threshold.OPERATORS));
            }
            threshold = new Conditions.Threshold(v, op);
        }
        return new Conditions(range, objectCount, threshold);
    }

    private static Conditions.Range range(Object value, String objectTypeName) {
        Map<?, ?> r = object(value, "Conditions.Range");
        if (!(r.get("Unit") instanceof String unit) || !unit.equalsIgnoreCase(Conditions.DAYS)) {
            throw bad("Conditions.Range.Unit is required and must be DAYS");
        }
        boolean hasValue = r.get("Value") != null;
        boolean hasValueRange = r.get("ValueRange") != null;
        if (hasValue == hasValueRange) throw bad("Conditions.Range must have exactly one of Value and ValueRange");
        Integer days = null;
        Integer start = null;
        Integer end = null;
        if (hasValue) {
            days = integer(r.get("Value"), "Conditions.Range.Value");
            if (days < 0) throw bad("Conditions.Range.Value must be between 0 and 2147483647 days");
        } else {
            Map<?, ?> vr = object(r.get("ValueRange"), "Conditions.Range.ValueRange");
            start = integer(required(vr, "Conditions.Range.ValueRange.Start"), "Conditions.Range.ValueRange.Start");
            end = integer(required(vr, "Conditions.Range.ValueRange.End"), "Conditions.Range.ValueRange.End");
            if (start < end) {
                throw bad("Conditions.Range.ValueRange.Start must be at least End (days before now: Start " + start + " is after End " + end + ")");
            }
        }
        String source = null;
        String format = null;
        if (r.get("TimestampSource") != null) {
            if (!(r.get("TimestampSource") instanceof String s) || s.length() > 255 || !TIMESTAMP_SOURCE.matcher(s).matches()) {
                throw bad("Conditions.Range.TimestampSource must be {ObjectTypeName.path} (for example {" + objectTypeName + ".generatedAt.timestamp})");
            }
            var m = TIMESTAMP_SOURCE.matcher(s);
            m.matches();
            if (!m.group(1).equals(objectTypeName)) {
                throw bad("Conditions.Range.TimestampSource reads object type '" + m.group(1) + "' but the expression reads '" + objectTypeName + "'");
            }
            source = s;
        }
        if (r.get("TimestampFormat") != null) {
            if (source == null) throw bad("Conditions.Range.TimestampFormat needs a TimestampSource");
            if (!(r.get("TimestampFormat") instanceof String f) || !List.of(Timestamps.EPOCHMILLI, Timestamps.ISO_8601).contains(f)) {
                throw bad("Conditions.Range.TimestampFormat must be EPOCHMILLI or ISO_8601");
            }
            format = f;
        }
        return new Conditions.Range(days, start, end, source, format);
    }

    private static Filter filter(Object value) {
        Map<?, ?> f = object(value, "Filter");
        if (!(f.get("Include") instanceof String include) || !Filter.COMBINATIONS.contains(include)) {
            throw bad("Filter.Include is required: ALL, ANY or NONE");
        }
        if (!(f.get("Groups") instanceof List<?> groups) || groups.isEmpty() || groups.size() > 2) {
            throw bad("Filter.Groups is required: 1 or 2 filter groups");
        }
        List<Filter.Group> parsed = new ArrayList<>();
        for (Object g : groups) {
            Map<?, ?> group = object(g, "Filter.Groups[]");
            if (!(group.get("Type") instanceof String type) || !Filter.COMBINATIONS.contains(type)) {
                throw bad("Filter.Groups[].Type is required: ALL, ANY or NONE");
            }
            if (!(group.get("Dimensions") instanceof List<?> dimensions) || dimensions.isEmpty() || dimensions.size() > 10) {
                throw bad("Filter.Groups[].Dimensions is required: 1 to 10 dimensions");
            }
            List<Map<String, Filter.Dimension>> ds = new ArrayList<>();
            for (Object d : dimensions) {
                Object attributes = object(d, "Filter.Groups[].Dimensions[]").get("Attributes");
                if (!(attributes instanceof Map<?, ?> map) || map.isEmpty()) {
                    throw bad("Filter.Groups[].Dimensions[].Attributes is required: attribute name → {DimensionType, Values}");
                }
                Map<String, Filter.Dimension> dimension = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    String attribute = (String) entry.getKey();
                    if (!Names.valid(attribute, ATTRIBUTE_NAME, 1, 64)) {
                        throw bad("Filter: attribute name '" + attribute + "' must have 1 to 64 letters, digits, '_', '.' or '-'");
                    }
                    dimension.put(attribute, dimension(attribute, entry.getValue()));
                }
                ds.add(dimension);
            }
            parsed.add(new Filter.Group(type, ds));
        }
        return new Filter(include, parsed);
    }

    private static Filter.Dimension dimension(String attribute, Object value) {
        String where = "Filter: attribute '" + attribute + "'";
        Map<?, ?> d = object(value, where);
        String type = d.get("DimensionType") instanceof String t ? t : null;
        List<String> all = new ArrayList<>(Filter.STRING_TYPES);
        all.addAll(Filter.DATE_TYPES);
        all.addAll(Filter.NUMBER_TYPES);
        if (type == null || !all.contains(type)) throw bad(where + ": DimensionType is required: one of " + String.join(", ", all));
        if (!(d.get("Values") instanceof List<?> values) || values.isEmpty() || values.size() > 10) {
            throw bad(where + ": Values is required: 1 to 10 strings");
        }
        List<String> strings = new ArrayList<>();
        for (Object v : values) {
            if (!(v instanceof String s) || s.isEmpty() || s.length() > 255) throw bad(where + ": each of Values must be a string of 1 to 255 characters");
            strings.add(s);
        }
        if (type.equals("BETWEEN") || type.equals("NOT_BETWEEN")) {
            if (strings.size() != 2) throw bad(where + ": " + type + " needs exactly 2 Values (the bounds)");
            boolean instants = Timestamps.iso(strings.get(0)) != null && Timestamps.iso(strings.get(1)) != null;
            boolean numbers = Values.decimal(strings.get(0)) != null && Values.decimal(strings.get(1)) != null;
            if (!instants && !numbers) throw bad(where + ": " + type + " needs two ISO-8601 instants or two numbers");
            boolean ordered = instants ? Timestamps.iso(strings.get(0)) <= Timestamps.iso(strings.get(1))
                    : Values.decimal(strings.get(0)).compareTo(Values.decimal(strings.get(1))) <= 0;
            if (!ordered) throw bad(where + ": " + type + "'s first value must not be after its second");
        } else if (Filter.DATE_TYPES.contains(type)) {
            for (String s : strings) {
                if (Timestamps.iso(s) == null) throw bad(where + ": " + type + " compares instants; '" + s + "' is not ISO-8601 (2026-01-31T12:00:00Z)");
            }
        } else if (Filter.NUMBER_TYPES.contains(type)) {
            for (String s : strings) if (Values.decimal(s) == null) throw bad(where + ": " + type + " compares numbers; '" + s + "' is not one");
        }
        return new Filter.Dimension(type, strings);
    }

    private static String displayName(Object value) {
        if (!(value instanceof String s) || !Names.valid(s, DISPLAY_NAME, 1, 255)) {
            throw bad("DisplayName must have 1 to 255 characters, start with a letter or '_' and hold only letters, digits, '_', '-' and spaces");
        }
        return s;
    }

    private static String description(Object value) {
        if (!(value instanceof String s) || s.isEmpty() || s.codePointCount(0, s.length()) > 1000) {
            throw bad("Description must be a string of 1 to 1000 characters");
        }
        return s;
    }

    private static Object required(Map<?, ?> members, String path) {
        Object value = members.get(path.substring(path.lastIndexOf('.') + 1));
        if (value == null || value == Json.NULL) throw bad(path + " is required");
        return value;
    }

    private static Map<?, ?> object(Object value, String what) {
        if (value instanceof Map<?, ?> map) return map;
        throw bad(what + " must be a JSON object");
    }

    private static BigDecimal number(Object value, String what) {
        BigDecimal number = value instanceof Json.JsonNumber n ? Values.decimal(n.text()) : null;
        if (number == null) throw bad(what + " must be a number");
        return number;
    }

    private static int integer(Object value, String what) {
        BigDecimal number = number(value, what);
        if (number.scale() > 0 && number.stripTrailingZeros().scale() > 0
                || number.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0 || number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw bad(what + " must be a whole number (a 32-bit integer)");
        }
        return number.intValueExact();
    }

    private static DomainConfigException bad(String message) {
        return new DomainConfigException(message);
    }
}

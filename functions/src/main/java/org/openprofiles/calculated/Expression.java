package org.openprofiles.calculated;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A definition's {@code Expression}: one reference {@code {ObjectTypeName.attribute}}, or two joined by one of
 * {@code + - * /} ("basic math expressions to perform between attributes"). The object type name is the text before
 * the first dot (type names cannot hold one); the rest is the attribute, which must be one of the definition's
 * {@code Attributes}. No literals, no parentheses: nothing else is documented.
 */
public final class Expression {
    private static final Pattern REF = Pattern.compile("\\{([a-zA-Z_][a-zA-Z_0-9-]*)\\.([a-zA-Z0-9_.-]+)}");
    private static final Pattern SINGLE = Pattern.compile("\\s*" + REF.pattern() + "\\s*");
    private static final Pattern PAIR = Pattern.compile("\\s*" + REF.pattern() + "\\s*([-+*/])\\s*" + REF.pattern() + "\\s*");

    private final String objectTypeName;
    private final List<String> attributes;
    private final char operator;

    private Expression(String objectTypeName, List<String> attributes, char operator) {
        this.objectTypeName = objectTypeName;
        this.attributes = attributes;
        this.operator = operator;
    }

    /**
     * @param declared the definition's {@code Attributes} names
     * @throws IllegalArgumentException saying what is wrong, in words for a 400
     */
    public static Expression parse(String text, List<String> declared) {
        Matcher one = SINGLE.matcher(text);
        Matcher two = PAIR.matcher(text);
        Expression expression;
        if (one.matches()) {
            expression = new Expression(one.group(1), List.of(one.group(2)), (char) 0);
        } else if (two.matches()) {
            if (!two.group(1).equals(two.group(4))) {
                throw new IllegalArgumentException("references two object types ('" + two.group(1) + "' and '" + two.group(4)
                        + "'); a calculated attribute reads one object type");
            }
            expression = new Expression(two.group(1), List.of(two.group(2), two.group(5)), two.group(3).charAt(0));
        } else {
            throw new IllegalArgumentException("must be {ObjectTypeName.AttributeName}, or two such references joined by one of"
                    + " + - * / (for example {CTR.agent.customerHoldDurationMillis} + {CTR.queue.durationMillis})");
        }
        for (String attribute : expression.attributes) {
            if (!declared.contains(attribute)) {
                throw new IllegalArgumentException("references '" + attribute + "', which is not among AttributeDetails.Attributes "
                        + declared);
            }
        }
        for (String name : declared) {
            if (!expression.attributes.contains(name)) {
                throw new IllegalArgumentException("does not reference the attribute '" + name + "' that AttributeDetails.Attributes lists");
            }
        }
        return expression;
    }

    public String objectTypeName() {
        return objectTypeName;
    }

    /** The attribute paths referenced, in order. */
    public List<String> attributes() {
        return attributes;
    }

    public boolean arithmetic() {
        return operator != 0;
    }

    /** Whether every referenced attribute has a value on the object. */
    public boolean present(Function<String, String> attribute) {
        for (String name : attributes) if (attribute.apply(name) == null) return false;
        return true;
    }

    /**
     * The expression's value for one object: a single reference's text as it is; two references' arithmetic on their
     * numbers (a timestamp counts as its epoch milliseconds, so two subtracted give milliseconds). Null when an operand
     * is missing or not a number, or on a division by zero: such an object is skipped.
     */
    public String evaluate(Function<String, String> attribute) {
        if (!arithmetic()) return attribute.apply(attributes.get(0));
        BigDecimal left = number(attribute.apply(attributes.get(0)));
        BigDecimal right = number(attribute.apply(attributes.get(1)));
        if (left == null || right == null) return null;
        BigDecimal result = switch (operator) {
            case '+' -> left.add(right);
            case '-' -> left.subtract(right);
            case '*' -> left.multiply(right);
            default -> right.signum() == 0 ? null : left.divide(right, MathContext.DECIMAL64);
        };
        return result == null ? null : Values.format(result);
    }

    /** An operand as a number: a decimal, else an ISO-8601 instant as epoch milliseconds; null otherwise. */
    static BigDecimal number(String text) {
        if (text == null) return null;
        BigDecimal decimal = Values.decimal(text);
        if (decimal != null) return decimal;
        Long instant = Timestamps.iso(text);
        return instant == null ? null : BigDecimal.valueOf(instant);
    }
}

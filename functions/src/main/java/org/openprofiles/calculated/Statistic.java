package org.openprofiles.calculated;

/**
 * How a definition reduces the selected objects to one value. The first eight are the service model's
 * {@code Statistic} enum; {@link #TIME_DIFFERENCE_FROM_NOW} is used only by the default {@code _new_customer} and
 * cannot be created through the API (the model does not list it).
 */
public enum Statistic {
    FIRST_OCCURRENCE, LAST_OCCURRENCE, COUNT, SUM, MINIMUM, MAXIMUM, AVERAGE, MAX_OCCURRENCE, TIME_DIFFERENCE_FROM_NOW;

    /** The values a Create request may name. */
    public static final java.util.List<String> CREATABLE = java.util.List.of("FIRST_OCCURRENCE", "LAST_OCCURRENCE", "COUNT", "SUM",
            "MINIMUM", "MAXIMUM", "AVERAGE", "MAX_OCCURRENCE");
}

package org.openprofiles.calculated;

/**
 * A calculated attribute's value for one profile.
 *
 * @param value                    null when there is none (the response omits Value)
 * @param dataPartial              whether the range or object count asked for is not yet covered by the data
 * @param lastObjectTimestampMillis the newest object the value was calculated from, or null
 */
public record Result(String value, boolean dataPartial, Long lastObjectTimestampMillis) {}

package org.openprofiles.calculated;

import java.util.function.Function;

/**
 * One object of the profile as a calculation sees it.
 *
 * @param uniqueKey        its ProfileObjectUniqueKey (orders objects ingested at the same time)
 * @param ingestedAtMillis when it was last ingested (server time)
 * @param attribute        an attribute's value by name (null: absent), as the object type resolves it
 */
public record Observation(String uniqueKey, long ingestedAtMillis, Function<String, String> attribute) {}

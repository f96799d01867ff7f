/**
 * Calculated attributes as business rules, in plain Java: a definition (its expression, statistic, conditions and
 * filter) and the value it gives for one profile's objects. Values are a pure function of the profile's current objects
 * and the time of the read, so merges, deletions and expiry retract without any stored aggregate (docs/data-model.md).
 * No AWS types here: the store hands in the objects, the service hands out the wire shapes.
 */
package org.openprofiles.calculated;

package org.openprofiles.store.read;

import java.util.List;

/**
 * One page of a profile's objects.
 *
 * @param nextToken an opaque token for the next page, or null on the last page
 */
public record ObjectPage(List<StoredObject> objects, String nextToken) {}
